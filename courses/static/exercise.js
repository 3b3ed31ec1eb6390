/* A written exercise's form: count the words as the learner types (the limits are checked again on
   the server), and keep what is typed in this tab until the server has it, so a text sent when the
   session had expired, or the network dropped, comes back after the login. The copy is kept in the
   tab's own storage (gone when the tab closes), under the account's id (another person signing in
   on the same device never gets it), and dropped once put back or saved. Without script, the form
   works the same, with the count shown at the last save. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-exercise]");
  if (!form) {
    return;
  }
  var area = form.querySelector("textarea");
  var count = document.getElementById("word-count");
  var restored = form.querySelector("[data-restored]");
  var key = "tadbir-exercise:" + form.getAttribute("data-owner") + ":" + form.getAttribute("data-exercise");
  var store = null;
  try {
    store = window.sessionStorage;
  } catch (e) {
    store = null;
  }
  var saved = form.getAttribute("data-saved") || "";
  var word = /[\p{L}\p{N}]+(?:['’\-.,:\/@][\p{L}\p{N}]+)*/gu;
  var language = document.documentElement.lang || "fr";
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(language) : null;
  var number = window.Intl ? new Intl.NumberFormat(language + "-u-nu-latn") : null; // 10 500, with the site's digits

  function words(text) {
    var found = text.match(word);
    return found ? found.length : 0;
  }

  function show() {
    var n = words(area.value);
    var category = plural ? plural.select(n) : n === 1 ? "one" : "other";
    var label = (count.getAttribute("data-" + category) || count.getAttribute("data-other"))
      .replace("{n}", number ? number.format(n) : String(n));
    var low = parseInt(count.getAttribute("data-min"), 10);
    var high = parseInt(count.getAttribute("data-max"), 10);
    count.textContent = label;
    count.classList.toggle("error", (low && n < low) || (high && n > high) ? true : false);
  }

  if (!store) {
    show();
    area.addEventListener("input", show);
    return;
  }
  var kept = null;
  try {
    kept = JSON.parse(store.getItem(key) || "null");
  } catch (e) {
    kept = null;
  }
  // Put back only a text typed after the last save the server knows of, and different from it.
  if (kept && kept.text && kept.text !== area.value && (!saved || kept.at > saved)) {
    area.value = kept.text;
    if (restored) {
      restored.hidden = false;
    }
  }
  try {
    store.removeItem(key); // put back, or the server has it: a reload now shows the server's text
  } catch (e) {
    /* storage refused: nothing was kept */
  }
  area.addEventListener("input", function () {
    show();
    try {
      store.setItem(key, JSON.stringify({ text: area.value, at: new Date().toISOString() }));
    } catch (e) {
      /* private browsing or a full storage: the server's draft is what counts */
    }
  });
  form.addEventListener("submit", function () {
    try {
      store.setItem(key, JSON.stringify({ text: area.value, at: new Date().toISOString() }));
    } catch (e) {
      /* as above */
    }
  });
  show();
})();
