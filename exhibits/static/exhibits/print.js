// Progressive enhancement: reveal the worksheet's print button (the browser's own Print works
// without it; the print stylesheet does the layout either way).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
