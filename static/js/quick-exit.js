// Quick exit: leave the help pages at once, replacing this page in the history so that the
// Back button does not bring it back. Esc does the same.
(function () {
  "use strict";
  var button = document.getElementById("quick-exit");
  if (!button) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.innerHTML = "";
    window.location.replace(button.dataset.exit);
  }
  button.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { leave(event); }
  });
})();
