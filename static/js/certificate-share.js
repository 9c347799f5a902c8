// Share a certificate's check link: the phone's share sheet when there is one, else copy it.
(function () {
  "use strict";
  var button = document.querySelector(".share-button");
  if (!button) return;
  var status = document.getElementById("share-status");
  var url = button.getAttribute("data-url");
  function say(text) { if (status) status.textContent = text; }
  if (!navigator.share && !(navigator.clipboard && navigator.clipboard.writeText)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    if (navigator.share) {
      navigator.share({ title: button.getAttribute("data-title"), url: url }).catch(function () {});
      return;
    }
    navigator.clipboard.writeText(url).then(
      function () { say(button.getAttribute("data-copied")); },
      function () { say(button.getAttribute("data-failed")); }
    );
  });
})();
