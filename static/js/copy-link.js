// "Copy the link" next to a link to keep (the survey's resume link). Without this script, or
// without the browser's clipboard, the button stays hidden and the link is there to select;
// with it, a click copies the link and the status line under the button (aria-live) says so.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) { return; }
  document.querySelectorAll("[data-copy-link]").forEach(function (box) {
    var link = document.getElementById(box.dataset.copyLink);
    var button = box.querySelector("button");
    var status = box.querySelector("[role=status]");
    if (!link || !button || !status) { return; }
    box.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "";
      navigator.clipboard.writeText(link.href).then(
        function () { status.textContent = box.dataset.copied; },
        function () { status.textContent = box.dataset.copyFailed; }
      );
    });
  });
})();
