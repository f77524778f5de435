// Search and filters work on the page itself: the report must open offline, from a file or a Telegram download.
(function () {
  "use strict";
  // "cote d'ivoire" finds "Côte d’Ivoire": accents and typographic apostrophes need not be typed
  var fold = function (s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[\u2018\u2019\u02bc`\u00b4]/g, "'").toLowerCase();
  };
  var q = document.getElementById("q");
  var speaker = document.getElementById("f-speaker");
  var kind = document.getElementById("f-kind");
  var position = document.getElementById("f-position");
  var shown = document.getElementById("shown");
  var items = Array.prototype.map.call(document.querySelectorAll(".u"), function (el) {
    return { el: el, text: fold(el.textContent), speaker: el.dataset.speaker,
             kinds: el.dataset.kinds.split(" ").filter(Boolean), positions: el.dataset.positions.split(" ").filter(Boolean) };
  });
  var turns = document.querySelectorAll(".turn");
  function apply() {
    var words = fold(q.value).split(/\s+/).filter(Boolean);
    var n = 0;
    items.forEach(function (it) {
      var ok = words.every(function (w) { return it.text.indexOf(w) >= 0; }) &&
        (!speaker.value || it.speaker === speaker.value) &&
        (!kind.value || (kind.value === "any" ? it.kinds.length > 0 : it.kinds.indexOf(kind.value) >= 0)) &&
        (!position.value || it.positions.indexOf(position.value) >= 0);
      it.el.hidden = !ok;
      if (ok) { n += 1; }
    });
    Array.prototype.forEach.call(turns, function (t) { t.hidden = !t.querySelector(".u:not([hidden])"); });
    shown.textContent = n + " of " + items.length + " utterances";
  }
  [q, speaker, kind, position].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
})();
