// After a refused submission, put the keyboard focus on the first field to fix.
(function () {
  "use strict";
  var invalid = document.querySelector("main [aria-invalid='true']");
  if (invalid) { invalid.focus(); return; }
  var alert = document.getElementById("form-errors");
  if (alert) { alert.focus(); }
})();
