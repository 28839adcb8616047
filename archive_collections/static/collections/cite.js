/* "Copy" buttons of the citation section. The buttons stay hidden without JavaScript, where the
   citations are plain text a reader selects and copies. */
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "absolute";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      var copied = document.execCommand("copy");
      document.body.removeChild(area);
      if (copied) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function setUp(section) {
    var status = section.querySelector("[data-cite-status]");
    section.querySelectorAll("[data-cite-copy]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-cite-copy"));
      if (!target) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(target.textContent.trim()).then(function () {
          status.textContent = status.getAttribute("data-msg-copied");
        }, function () {
          status.textContent = status.getAttribute("data-msg-failed");
        });
      });
    });
  }

  document.querySelectorAll("[data-cite]").forEach(setUp);
}());
