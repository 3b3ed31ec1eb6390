/* Progress pages (an import, a certificate export): ask the server where the work stands every
   few seconds and update the status region in place. A <meta> refresh would reload the whole page
   on a timer, which sends a screen reader back to the top and fails WCAG 2.2.1 (timing). Without
   script, the page offers a "refresh" link instead. */
(function () {
  "use strict";
  var region = document.querySelector("[data-progress]");
  if (!region || !window.fetch || !window.DOMParser) {
    return;
  }
  var DELAY = 3000;

  function showNotes() {
    region.querySelectorAll("[data-progress-note]").forEach(function (note) {
      note.hidden = false;
    });
  }

  function update() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
        if (!fresh) {
          return;
        }
        region.replaceChildren.apply(region, Array.prototype.map.call(fresh.childNodes, function (node) {
          return document.importNode(node, true);
        }));
        showNotes();
        if (fresh.hasAttribute("data-progress")) {
          window.setTimeout(update, DELAY);
        }
      })
      .catch(function () {
        window.setTimeout(update, DELAY * 5); // the server is busy or the network dropped: try again later
      });
  }

  showNotes();
  window.setTimeout(update, DELAY);
})();
