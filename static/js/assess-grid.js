// Assessment grid: save each cell through the API as soon as it changes, and say so in the
// cell (an aria-live status). Without JS the form's button saves every changed cell at once.
(function () {
  "use strict";
  var form = document.getElementById("assess-grid");
  if (!form || !window.fetch) { return; }
  var api = form.getAttribute("data-api");
  var csrf = form.getAttribute("data-csrf");

  function say(cell, key, failed) {
    var status = cell.querySelector(".assess-status");
    status.textContent = form.getAttribute("data-" + key) || key;
    status.className = "assess-status " + (failed ? "failed" : (key === "saved" ? "saved" : ""));
  }

  function save(cell) {
    var select = cell.querySelector("select");
    var note = cell.querySelector("textarea");
    if (!select.value) {
      if (note && note.value.trim()) { say(cell, "need-level", true); }
      return;
    }
    var body = {
      participant_id: cell.getAttribute("data-participant"),
      competence: cell.getAttribute("data-competence"),
      level: parseInt(select.value, 10),
      note: note ? note.value : ""
    };
    say(cell, "saving", false);
    fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 201) {
        say(cell, "saved", false);
        cell.classList.remove("invalid");
        // Once assessed, a cell cannot go back to "not assessed": the history keeps it.
        var empty = select.querySelector('option[value=""]');
        if (empty) { empty.remove(); }
        return;
      }
      if (response.status === 409) { say(cell, "closed", true); return; }
      return response.json().then(function (data) {
        var fields = (data && data.error && data.error.fields) || {};
        var message = fields.level || fields.note || fields.competence || fields.participant_id;
        var status = cell.querySelector(".assess-status");
        if (message) { status.textContent = message; status.className = "assess-status failed"; }
        else { say(cell, "failed", true); }
      });
    }).catch(function () { say(cell, "offline", true); });
  }

  form.addEventListener("change", function (event) {
    var cell = event.target.closest ? event.target.closest(".assess-cell") : null;
    if (cell) { save(cell); }
  });
  form.setAttribute("data-live", "1");
})();
