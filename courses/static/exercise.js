/* A written exercise's form: count the words as the learner types (the limits are checked again on
   the server), and keep what is typed on this device until it is saved, so a text typed when the
   session expired, or the network dropped, comes back on the next visit. Without script, the form
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
  var key = "tadbir-exercise:" + form.getAttribute("data-exercise");
  var saved = form.getAttribute("data-saved") || "";
  var word = /[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*/gu;

  function words(text) {
    var found = text.match(word);
    return found ? found.length : 0;
  }

  function show() {
    var n = words(area.value);
    var label = n === 1 ? count.getAttribute("data-one") : count.getAttribute("data-many").replace("{n}", n);
    var low = parseInt(count.getAttribute("data-min"), 10);
    var high = parseInt(count.getAttribute("data-max"), 10);
    count.textContent = label;
    count.classList.toggle("error", (low && n < low) || (high && n > high) ? true : false);
  }

  var kept = null;
  try {
    kept = JSON.parse(window.localStorage.getItem(key) || "null");
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
  area.addEventListener("input", function () {
    show();
    try {
      window.localStorage.setItem(key, JSON.stringify({ text: area.value, at: new Date().toISOString() }));
    } catch (e) {
      /* private browsing or a full storage: the server's draft is what counts */
    }
  });
  form.addEventListener("submit", function () {
    try {
      window.localStorage.setItem(key, JSON.stringify({ text: area.value, at: new Date().toISOString() }));
    } catch (e) {
      /* as above */
    }
  });
  show();
})();
