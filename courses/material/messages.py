"""Messages for content errors, per language (fr, en, ar). French is the trainers' default.

Kept apart from the web's gettext catalogs because the content pipeline runs without Flask
(CLI, tests, watch loop) and its messages are addressed to trainers, not to learners.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "missing_content_dir": "le dossier de contenu est introuvable",
        "not_utf8": "le fichier n'est pas encodé en UTF-8 ; enregistrez-le en UTF-8",
        "no_front_matter": "en-tête YAML manquant : le fichier doit commencer par une ligne « --- »",
        "unclosed_front_matter": "en-tête YAML non fermé : ajoutez une ligne « --- » après l'en-tête",
        "yaml_syntax": (
            "erreur de syntaxe YAML ({detail}) : vérifiez l'indentation (des espaces, jamais de tabulation) "
            "et mettez entre guillemets droits les textes qui contiennent « : » ou « # »"
        ),
        "yaml_escape": (
            "« \\ » dans un texte entre guillemets doubles commence un échappement inconnu : "
            "écrivez « \\\\ » pour une barre oblique inversée, ou mettez le texte entre apostrophes droites"
        ),
        "yaml_tab": (
            "tabulation dans l'indentation : YAML n'accepte que des espaces ; "
            "remplacez la tabulation par des espaces (deux par niveau)"
        ),
        "yaml_indent": (
            "indentation incohérente : cette ligne n'est alignée sur aucune clé ni aucun élément de liste "
            "au-dessus ; alignez-la avec les lignes de même niveau (deux espaces par niveau)"
        ),
        "yaml_colon": (
            "la valeur de « {key} » contient « : » suivi d'une espace, que YAML prend pour une nouvelle clé ; "
            'mettez la valeur entre guillemets droits : {key}: "…"'
        ),
        "yaml_missing_space": "il manque une espace après « : » : écrivez « clé: valeur »",
        "yaml_unclosed_quote": (
            "guillemet ouvert sur cette ligne mais jamais fermé : fermez-le à la fin du texte, sur la même ligne"
        ),
        "yaml_unclosed_bracket": (
            "crochet « [ » ou accolade « {{ » ouvert sur cette ligne mais jamais fermé : fermez la liste "
            "sur la même ligne, ou écrivez un élément par ligne précédé de « - »"
        ),
        "yaml_symbol": (
            "une valeur qui commence par « {char} » doit être entièrement entre guillemets droits : "
            'clé: "…" (à l\'intérieur, une apostrophe ne demande rien et un guillemet droit s\'écrit \\")'
        ),
        "front_matter_not_mapping": "l'en-tête YAML doit être une liste de clés « clé: valeur »",
        "duplicate_key": "la clé « {key} » apparaît deux fois",
        "unknown_key": "clé inconnue « {key} » (clés permises : {allowed})",
        "missing_key": "clé obligatoire « {key} » manquante",
        "expected_text": "« {key} » doit être un texte",
        "expected_integer": "« {key} » doit être un nombre entier",
        "expected_number": "« {key} » doit être un nombre",
        "expected_bool": "« {key} » doit valoir true ou false",
        "expected_list": "« {key} » doit être une liste",
        "expected_mapping": "« {key} » doit être un ensemble de clés « clé: valeur »",
        "empty_text": "« {key} » ne doit pas être vide",
        "text_too_long": "« {key} » est trop long ({length} caractères, {maximum} au plus)",
        "not_positive": "« {key} » doit être supérieur à zéro",
        "out_of_range": "« {key} » doit être compris entre {low} et {high}",
        "bad_choice": "« {key} » vaut « {value} » ; valeurs permises : {allowed}",
        "bad_language": "« language » vaut « {value} » ; valeurs permises : fr (français), ar (arabe), en (anglais)",
        "bad_level": (
            "« level » vaut « {value} » ; valeurs permises : beginner (débutant), intermediate (intermédiaire), "
            "advanced (avancé) — « débutant », « intermédiaire » et « avancé » sont aussi acceptés"
        ),
        "bad_exercise_completion": (
            "« exercise_completion » vaut « {value} » ; valeurs permises : passed (un module à exercice est "
            "terminé quand un formateur valide l'exercice), submitted (dès que l'exercice est rendu) — en anglais"
        ),
        "exercise_words_order": "« min_words » ({low}) est plus grand que « max_words » ({high})",
        "rubric_levels_count": "le critère « {criterion} » doit avoir de 2 à {maximum} niveaux",
        "rubric_duplicate_level": "le critère « {criterion} » a deux niveaux « {value} »",
        "rubric_duplicate_criterion": "la grille a deux critères « {value} »",
        "rubric_too_long": "la grille a trop de critères ({maximum} au plus)",
        "threshold_without_rubric": (
            "« pass_points » demande une grille (« rubric ») : sans grille, le formateur décide seul de la validation"
        ),
        "threshold_above_rubric": (
            "« pass_points » vaut {points} mais la grille donne {total} points au plus : l'exercice ne pourrait "
            "jamais être validé"
        ),
        "bad_quiz_feedback": (
            "« quiz_feedback » vaut « {value} » ; valeurs permises : explanations (après un échec, les questions "
            "manquées et leurs explications), answers (aussi les bonnes réponses), score (le score seul) — en anglais"
        ),
        "bad_status": (
            "« status » vaut « {value} » ; valeurs permises : draft (brouillon, visible de ses seuls formateurs), "
            "published (publié au catalogue), archived (retiré du catalogue) — en anglais"
        ),
        "text_with_colon": (
            "« {key} » contient « : » suivi d'une espace, que YAML prend pour une clé : "
            'mettez le texte entre guillemets droits (- "…")'
        ),
        "text_comment": (
            "« {key} » est vide : en YAML, « # » précédé d'une espace commence un commentaire ; "
            "mettez le texte entre guillemets droits"
        ),
        "too_few_choices": "une question doit proposer au moins 2 choix",
        "too_many_choices": "une question propose au plus {maximum} choix",
        "duplicate_choice": "le choix « {value} » apparaît deux fois",
        "answer_out_of_range": "la réponse {value} ne correspond à aucun choix (numéros de 0 à {high})",
        "answer_unknown_text": "la réponse « {value} » ne correspond à aucun choix",
        "answer_empty": "indiquez au moins une bonne réponse",
        "answer_duplicate": "la réponse {value} est donnée deux fois",
        "bad_course_slug": (
            "nom de dossier de cours invalide « {name} » : lettres minuscules sans accent, "
            "chiffres et tirets uniquement"
        ),
        "bad_module_name": (
            "nom de fichier de module invalide « {name} » : attendu NN-nom-du-module.md "
            "(NN = numéro d'ordre, puis lettres minuscules sans accent, chiffres et tirets)"
        ),
        "unexpected_file": (
            "fichier inattendu « {name} » : un dossier de cours contient course.md, "
            "les modules NN-nom.md et le dossier assets/"
        ),
        "missing_course_file": "le dossier du cours n'a pas de fichier course.md",
        "symlink": (
            "« {name} » est un lien symbolique : le contenu n'en accepte aucun (il pourrait désigner "
            "un fichier hors du dossier de contenu) ; remplacez-le par une copie du fichier ou du dossier"
        ),
        "special_file": (
            "« {name} » n'est ni un fichier ordinaire ni un dossier (tube, socket ou périphérique) ; retirez-le"
        ),
        "no_modules": "un cours publié doit contenir au moins un module",
        "duplicate_module_slug": "le module « {slug} » existe déjà dans {other}",
        "duplicate_position": "le numéro d'ordre {position} est déjà utilisé par {other}",
        "duplicate_course_slug": "le cours « {slug} » existe déjà",
        "unknown_translation": "« translation_of » désigne un cours inconnu « {slug} »",
        "same_language_translation": "« translation_of » doit désigner un cours dans une autre langue",
        "self_translation": "un cours ne peut pas être sa propre traduction",
        "missing_image": "l'image « {target} » est introuvable dans le dossier assets/ du cours",
        "image_outside_assets": (
            "l'image « {target} » doit se trouver dans le dossier assets/ du cours "
            "et être référencée par un chemin relatif (assets/…)"
        ),
        "image_without_alt": ("l'image « {target} » n'a pas de texte alternatif : écrivez ![description](…)"),
        "image_bad_type": "l'image « {target} » n'est pas d'un format accepté ({allowed})",
        "unsafe_svg": "l'image SVG « {target} » contient du code actif ({detail}) ; retirez-le",
        "broken_link": "le lien « {target} » désigne un module ou un cours qui n'existe pas",
        "missing_file_link": "le lien « {target} » désigne un fichier introuvable",
        "unsafe_link": "le lien « {target} » n'est pas autorisé (seuls http, https, mailto et tel le sont)",
        "unknown_course": "aucun dossier de cours « {slug} » dans le dossier de contenu",
        "hours_far_from_minutes": (
            "« hours » annonce {hours} h, mais les modules totalisent {minutes} minutes ({sum}) : "
            "ajustez « hours » (imprimé sur le certificat) ou les « minutes » des modules"
        ),
        "image_weak_alt": (
            "le texte alternatif « {alt} » de l'image « {target} » ne la décrit pas : "
            "dites ce qu'elle montre à qui ne la voit pas"
        ),
        "heading_skip": "ce titre {written} saute un niveau : après le titre précédent, écrivez {expected}",
        "long_module_without_sections": (
            "module long ({words} mots) sans aucune section : découpez-le avec des titres ## pour le sommaire"
        ),
        "question_without_explanation": (
            "la question {number} n'a pas d'« explanation » : expliquez la bonne réponse, "
            "l'apprenant la lit après sa tentative"
        ),
        "redundant_multiple_hint": (
            "l'énoncé annonce déjà plusieurs réponses : la plateforme ajoute elle-même « (plusieurs réponses "
            "possibles) » quand « answer » est une liste ; retirez cette mention"
        ),
        "single_answer_says_several": (
            "l'énoncé annonce plusieurs réponses, mais « answer » n'en donne qu'une (pas de liste) : "
            "l'apprenant verra des boutons radio ; écrivez answer: [0, 2] ou corrigez l'énoncé"
        ),
    },
    "en": {
        "missing_content_dir": "the content folder does not exist",
        "not_utf8": "the file is not UTF-8 encoded; save it as UTF-8",
        "no_front_matter": "missing YAML header: the file must start with a '---' line",
        "unclosed_front_matter": "unclosed YAML header: add a '---' line after the header",
        "yaml_syntax": (
            "YAML syntax error ({detail}): check the indentation (spaces, never tabs) "
            "and put texts containing ':' or '#' between straight double quotes"
        ),
        "yaml_escape": (
            "'\\' inside double quotes starts an unknown escape: write '\\\\' for a backslash, "
            "or put the text between single quotes"
        ),
        "yaml_tab": "tab in the indentation: YAML accepts only spaces; replace the tab with spaces (two per level)",
        "yaml_indent": (
            "inconsistent indentation: this line lines up with no key or list item above it; "
            "align it with the lines of the same level (two spaces per level)"
        ),
        "yaml_colon": (
            "the value of '{key}' contains ':' followed by a space, which YAML takes for a new key; "
            'put the value between straight double quotes: {key}: "…"'
        ),
        "yaml_missing_space": "a space is missing after ':': write 'key: value'",
        "yaml_unclosed_quote": (
            "quote opened on this line but never closed: close it at the end of the text, on the same line"
        ),
        "yaml_unclosed_bracket": (
            "bracket '[' or brace '{{' opened on this line but never closed: close the list on the same line, "
            "or write one item per line after '- '"
        ),
        "yaml_symbol": (
            "a value that starts with '{char}' must be wholly between straight double quotes: "
            'key: "…" (inside, an apostrophe needs nothing and a double quote is written \\")'
        ),
        "front_matter_not_mapping": "the YAML header must be a list of 'key: value' lines",
        "duplicate_key": "the key '{key}' appears twice",
        "unknown_key": "unknown key '{key}' (allowed keys: {allowed})",
        "missing_key": "required key '{key}' is missing",
        "expected_text": "'{key}' must be text",
        "expected_integer": "'{key}' must be a whole number",
        "expected_number": "'{key}' must be a number",
        "expected_bool": "'{key}' must be true or false",
        "expected_list": "'{key}' must be a list",
        "expected_mapping": "'{key}' must be a set of 'key: value' lines",
        "empty_text": "'{key}' must not be empty",
        "text_too_long": "'{key}' is too long ({length} characters, at most {maximum})",
        "not_positive": "'{key}' must be greater than zero",
        "out_of_range": "'{key}' must be between {low} and {high}",
        "bad_choice": "'{key}' is '{value}'; allowed values: {allowed}",
        "bad_language": "'language' is '{value}'; allowed values: fr (French), ar (Arabic), en (English)",
        "bad_level": "'level' is '{value}'; allowed values: beginner, intermediate, advanced",
        "bad_exercise_completion": (
            "'exercise_completion' is '{value}'; allowed values: passed (a module with an exercise is complete "
            "when a trainer passes the exercise), submitted (as soon as the exercise is handed in)"
        ),
        "exercise_words_order": "'min_words' ({low}) is greater than 'max_words' ({high})",
        "rubric_levels_count": "the criterion '{criterion}' needs 2 to {maximum} levels",
        "rubric_duplicate_level": "the criterion '{criterion}' has two levels '{value}'",
        "rubric_duplicate_criterion": "the rubric has two criteria '{value}'",
        "rubric_too_long": "the rubric has too many criteria ({maximum} at most)",
        "threshold_without_rubric": (
            "'pass_points' needs a rubric ('rubric'): without one, the trainer alone decides whether it passes"
        ),
        "threshold_above_rubric": (
            "'pass_points' is {points} but the rubric gives {total} points at most: the exercise could never pass"
        ),
        "bad_quiz_feedback": (
            "'quiz_feedback' is '{value}'; allowed values: explanations (after a failed attempt, the questions "
            "missed and their explanations), answers (the right choices too), score (the score only)"
        ),
        "bad_status": (
            "'status' is '{value}'; allowed values: draft (visible to its trainers only), "
            "published (in the catalog), archived (withdrawn from the catalog)"
        ),
        "text_with_colon": (
            "'{key}' contains ':' followed by a space, which YAML takes for a key: "
            'put the text between straight double quotes (- "…")'
        ),
        "text_comment": (
            "'{key}' is empty: in YAML, '#' after a space starts a comment; put the text between straight double quotes"
        ),
        "too_few_choices": "a question needs at least 2 choices",
        "too_many_choices": "a question offers at most {maximum} choices",
        "duplicate_choice": "the choice '{value}' appears twice",
        "answer_out_of_range": "answer {value} matches no choice (numbers 0 to {high})",
        "answer_unknown_text": "answer '{value}' matches no choice",
        "answer_empty": "give at least one right answer",
        "answer_duplicate": "answer {value} is given twice",
        "bad_course_slug": (
            "invalid course folder name '{name}': lowercase unaccented letters, digits and hyphens only"
        ),
        "bad_module_name": (
            "invalid module file name '{name}': expected NN-module-name.md "
            "(NN = order number, then lowercase unaccented letters, digits and hyphens)"
        ),
        "unexpected_file": (
            "unexpected file '{name}': a course folder holds course.md, NN-name.md modules and the assets/ folder"
        ),
        "missing_course_file": "the course folder has no course.md file",
        "symlink": (
            "'{name}' is a symbolic link: content may hold none (it could point outside the content "
            "folder); replace it with a copy of the file or folder"
        ),
        "special_file": "'{name}' is neither a regular file nor a folder (pipe, socket or device); remove it",
        "no_modules": "a published course must contain at least one module",
        "duplicate_module_slug": "module '{slug}' already exists in {other}",
        "duplicate_position": "order number {position} is already used by {other}",
        "duplicate_course_slug": "course '{slug}' already exists",
        "unknown_translation": "'translation_of' names an unknown course '{slug}'",
        "same_language_translation": "'translation_of' must name a course in another language",
        "self_translation": "a course cannot be its own translation",
        "missing_image": "image '{target}' is not in the course's assets/ folder",
        "image_outside_assets": (
            "image '{target}' must be in the course's assets/ folder, referenced by a relative path (assets/…)"
        ),
        "image_without_alt": "image '{target}' has no alternative text: write ![description](…)",
        "image_bad_type": "image '{target}' is not an accepted format ({allowed})",
        "unsafe_svg": "SVG image '{target}' contains active code ({detail}); remove it",
        "broken_link": "link '{target}' points to a module or course that does not exist",
        "missing_file_link": "link '{target}' points to a file that does not exist",
        "unsafe_link": "link '{target}' is not allowed (only http, https, mailto and tel are)",
        "unknown_course": "no course folder '{slug}' in the content folder",
        "hours_far_from_minutes": (
            "'hours' announces {hours} h, but the modules add up to {minutes} minutes ({sum}): "
            "adjust 'hours' (printed on the certificate) or the modules' 'minutes'"
        ),
        "image_weak_alt": (
            "the alternative text '{alt}' of image '{target}' does not describe it: "
            "say what it shows to someone who cannot see it"
        ),
        "heading_skip": "this {written} heading skips a level: after the previous heading, write {expected}",
        "long_module_without_sections": (
            "long module ({words} words) without any section: cut it with ## headings for the table of contents"
        ),
        "question_without_explanation": (
            "question {number} has no 'explanation': explain the right answer, learners read it after their attempt"
        ),
        "redundant_multiple_hint": (
            "the question already says several answers are right: the platform adds '(several answers possible)' "
            "itself when 'answer' is a list; remove it"
        ),
        "single_answer_says_several": (
            "the question says several answers are right, but 'answer' gives one (not a list): learners will see "
            "radio buttons; write answer: [0, 2] or fix the question"
        ),
    },
    "ar": {
        "missing_content_dir": "مجلد المحتوى غير موجود",
        "not_utf8": "ترميز الملف ليس UTF-8؛ احفظه بترميز UTF-8",
        "no_front_matter": "ترويسة YAML مفقودة: يجب أن يبدأ الملف بسطر « --- »",
        "unclosed_front_matter": "ترويسة YAML غير مغلقة: أضف سطر « --- » بعد الترويسة",
        "yaml_syntax": (
            "خطأ في صياغة YAML ({detail}): تحقّق من الإزاحة (مسافات، وليس علامات جدولة أبدًا) "
            'وضع النصوص التي تحتوي على « : » أو « # » بين علامتي تنصيص مستقيمتين "…"'
        ),
        "yaml_escape": (
            "« \\ » داخل علامتي التنصيص المزدوجتين تبدأ تهريبًا غير معروف: اكتب « \\\\ » للشرطة المائلة العكسية، "
            "أو ضع النص بين علامتي تنصيص مفردتين"
        ),
        "yaml_tab": "علامة جدولة (Tab) في الإزاحة: لا يقبل YAML إلا المسافات؛ استبدلها بمسافات (مسافتان لكل مستوى)",
        "yaml_indent": (
            "إزاحة غير متناسقة: هذا السطر لا يحاذي أي مفتاح أو عنصر قائمة فوقه؛ "
            "حاذِه مع أسطر المستوى نفسه (مسافتان لكل مستوى)"
        ),
        "yaml_colon": (
            "قيمة « {key} » تحتوي على « : » متبوعة بمسافة، فيعدّها YAML مفتاحًا جديدًا؛ "
            'ضع القيمة بين علامتي تنصيص مستقيمتين: {key}: "…"'
        ),
        "yaml_missing_space": "تنقص مسافة بعد « : »: اكتب « key: value »",
        "yaml_unclosed_quote": "علامة تنصيص فُتحت في هذا السطر ولم تُغلق: أغلقها في نهاية النص، في السطر نفسه",
        "yaml_unclosed_bracket": (
            "قوس « [ » أو « {{ » فُتح في هذا السطر ولم يُغلق: أغلق القائمة في السطر نفسه، "
            "أو اكتب كل عنصر في سطر يبدأ بـ « - »"
        ),
        "yaml_symbol": (
            "القيمة التي تبدأ بـ « {char} » يجب أن تكون كلها بين علامتي تنصيص مستقيمتين: "
            'key: "…" (في داخلها لا تحتاج الفاصلة العليا إلى شيء، وتُكتب علامة التنصيص المستقيمة \\")'
        ),
        "front_matter_not_mapping": "يجب أن تكون ترويسة YAML قائمة مفاتيح بصيغة « مفتاح: قيمة »",
        "duplicate_key": "يظهر المفتاح « {key} » مرتين",
        "unknown_key": "مفتاح غير معروف « {key} » (المفاتيح المسموح بها: {allowed})",
        "missing_key": "المفتاح الإلزامي « {key} » مفقود",
        "expected_text": "يجب أن تكون قيمة « {key} » نصًا",
        "expected_integer": "يجب أن تكون قيمة « {key} » عددًا صحيحًا",
        "expected_number": "يجب أن تكون قيمة « {key} » عددًا",
        "expected_bool": "يجب أن تكون قيمة « {key} » true أو false",
        "expected_list": "يجب أن تكون قيمة « {key} » قائمة",
        "expected_mapping": "يجب أن تكون قيمة « {key} » مجموعة مفاتيح بصيغة « مفتاح: قيمة »",
        "empty_text": "يجب ألا تكون قيمة « {key} » فارغة",
        "text_too_long": "قيمة « {key} » طويلة جدًا ({length} حرفًا، والحد الأقصى {maximum})",
        "not_positive": "يجب أن تكون قيمة « {key} » أكبر من صفر",
        "out_of_range": "يجب أن تكون قيمة « {key} » بين {low} و{high}",
        "bad_choice": "قيمة « {key} » هي « {value} »؛ القيم المسموح بها: {allowed}",
        "bad_language": (
            "قيمة « language » هي « {value} »؛ القيم المسموح بها: fr (الفرنسية)، ar (العربية)، en (الإنجليزية)"
        ),
        "bad_level": (
            "قيمة « level » هي « {value} »؛ القيم المسموح بها: beginner (مبتدئ)، intermediate (متوسط)، "
            "advanced (متقدم) — وتُقبل أيضًا « مبتدئ » و« متوسط » و« متقدم »"
        ),
        "bad_exercise_completion": (
            "قيمة « exercise_completion » هي « {value} »؛ القيم المسموح بها بالإنجليزية: passed (تكتمل الوحدة "
            "التي فيها تمرين حين يقبل المكوّن التمرين)، submitted (بمجرد تسليم التمرين)"
        ),
        "exercise_words_order": "قيمة « min_words » ({low}) أكبر من قيمة « max_words » ({high})",
        "rubric_levels_count": "يجب أن يكون للمعيار « {criterion} » من مستويين إلى {maximum} مستويات",
        "rubric_duplicate_level": "للمعيار « {criterion} » مستويان باسم « {value} »",
        "rubric_duplicate_criterion": "في شبكة التقييم معياران باسم « {value} »",
        "rubric_too_long": "في شبكة التقييم معايير كثيرة (الحد الأقصى {maximum})",
        "threshold_without_rubric": (
            "« pass_points » تتطلب شبكة تقييم (« rubric »)؛ بدونها يقرر المكوّن وحده قبول التمرين"
        ),
        "threshold_above_rubric": (
            "قيمة « pass_points » هي {points} لكن أقصى مجموع في شبكة التقييم {total} نقطة: لا يمكن قبول التمرين أبدًا"
        ),
        "bad_quiz_feedback": (
            "قيمة « quiz_feedback » هي « {value} »؛ القيم المسموح بها بالإنجليزية: explanations (بعد الإخفاق، "
            "الأسئلة الخاطئة وشروحها)، answers (والأجوبة الصحيحة أيضًا)، score (النتيجة وحدها)"
        ),
        "bad_status": (
            "قيمة « status » هي « {value} »؛ القيم المسموح بها بالإنجليزية: draft (مسودة لا يراها إلا مكوّنوها)، "
            "published (منشورة في الفهرس)، archived (مسحوبة من الفهرس)"
        ),
        "text_with_colon": (
            'تحتوي « {key} » على « : » متبوعة بمسافة، فيعدّها YAML مفتاحًا: ضع النص بين علامتي تنصيص مستقيمتين (- "…")'
        ),
        "text_comment": (
            "« {key} » فارغة: في YAML تبدأ « # » المسبوقة بمسافة تعليقًا؛ ضع النص بين علامتي تنصيص مستقيمتين"
        ),
        "too_few_choices": "يجب أن يقدّم السؤال اختيارين على الأقل",
        "too_many_choices": "الحد الأقصى لعدد الاختيارات في السؤال هو {maximum}",
        "duplicate_choice": "يظهر الاختيار « {value} » مرتين",
        "answer_out_of_range": "الإجابة {value} لا تطابق أي اختيار (الأرقام من 0 إلى {high})",
        "answer_unknown_text": "الإجابة « {value} » لا تطابق أي اختيار",
        "answer_empty": "حدّد إجابة صحيحة واحدة على الأقل",
        "answer_duplicate": "الإجابة {value} مذكورة مرتين",
        "bad_course_slug": (
            "اسم مجلد الدورة « {name} » غير صالح: يُسمح فقط بالحروف اللاتينية الصغيرة دون علامات (مثل é) "
            "والأرقام والشرطات"
        ),
        "bad_module_name": (
            "اسم ملف الوحدة « {name} » غير صالح: المتوقع NN-module-name.md "
            "(NN = رقم الترتيب، ثم حروف لاتينية صغيرة دون علامات وأرقام وشرطات)"
        ),
        "unexpected_file": (
            "ملف غير متوقع « {name} »: يحتوي مجلد الدورة على course.md والوحدات NN-name.md والمجلد assets/"
        ),
        "missing_course_file": "لا يحتوي مجلد الدورة على ملف course.md",
        "symlink": (
            "« {name} » رابط رمزي: لا يقبل المحتوى أي رابط رمزي (قد يشير إلى ملف خارج مجلد المحتوى)؛ "
            "استبدله بنسخة من الملف أو المجلد"
        ),
        "special_file": "« {name} » ليس ملفًا عاديًا ولا مجلدًا (أنبوب أو مقبس أو جهاز)؛ احذفه",
        "no_modules": "يجب أن تحتوي الدورة المنشورة على وحدة واحدة على الأقل",
        "duplicate_module_slug": "الوحدة « {slug} » موجودة مسبقًا في {other}",
        "duplicate_position": "رقم الترتيب {position} مستخدم مسبقًا في {other}",
        "duplicate_course_slug": "الدورة « {slug} » موجودة مسبقًا",
        "unknown_translation": "يشير « translation_of » إلى دورة غير معروفة « {slug} »",
        "same_language_translation": "يجب أن يشير « translation_of » إلى دورة بلغة أخرى",
        "self_translation": "لا يمكن أن تكون الدورة ترجمةً لنفسها",
        "missing_image": "الصورة « {target} » غير موجودة في مجلد assets/ الخاص بالدورة",
        "image_outside_assets": (
            "يجب أن تكون الصورة « {target} » داخل مجلد assets/ الخاص بالدورة وأن يُشار إليها بمسار نسبي (assets/…)"
        ),
        "image_without_alt": "الصورة « {target} » بلا نص بديل: اكتب ![description](…)",
        "image_bad_type": "الصورة « {target} » ليست بصيغة مقبولة ({allowed})",
        "unsafe_svg": "صورة SVG « {target} » تحتوي على شيفرة نشطة ({detail})؛ احذفها",
        "broken_link": "الرابط « {target} » يشير إلى وحدة أو دورة غير موجودة",
        "missing_file_link": "الرابط « {target} » يشير إلى ملف غير موجود",
        "unsafe_link": "الرابط « {target} » غير مسموح به (لا يُسمح إلا بـ http و https و mailto و tel)",
        "unknown_course": "لا يوجد مجلد دورة « {slug} » في مجلد المحتوى",
        "hours_far_from_minutes": (
            "تعلن « hours » عن {hours} ساعة، لكن مجموع الوحدات {minutes} دقيقة ({sum}): "
            "عدّل « hours » (تُطبع على الشهادة) أو « minutes » الوحدات"
        ),
        "image_weak_alt": ("النص البديل « {alt} » للصورة « {target} » لا يصفها: اذكر ما تُظهره لمن لا يراها"),
        "heading_skip": "هذا العنوان {written} يتخطى مستوى: بعد العنوان السابق اكتب {expected}",
        "long_module_without_sections": ("وحدة طويلة ({words} كلمة) بلا أي قسم: قسّمها بعناوين ## من أجل الفهرس"),
        "question_without_explanation": (
            "السؤال {number} بلا « explanation »: اشرح الإجابة الصحيحة، فالمتعلم يقرؤها بعد محاولته"
        ),
        "redundant_multiple_hint": (
            "نص السؤال يذكر أصلًا أن هناك عدة إجابات: تضيف المنصة بنفسها « (يمكن اختيار أكثر من إجابة) » "
            "حين تكون « answer » قائمة؛ احذف هذه العبارة"
        ),
        "single_answer_says_several": (
            "نص السؤال يذكر عدة إجابات، لكن « answer » تعطي إجابة واحدة (ليست قائمة): سيرى المتعلم أزرار اختيار "
            "واحد؛ اكتب answer: [0, 2] أو صحّح نص السؤال"
        ),
    },
}
