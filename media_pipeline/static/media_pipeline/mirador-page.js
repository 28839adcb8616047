// Starts Mirador with the configuration the server wrote into the page (media_pipeline/iiif/views.py
// `mirador`); the instance is kept on window so tests and curators' consoles can inspect it.
(function () {
  "use strict";
  var source = document.getElementById("mirador-config");
  if (!source || typeof window.Mirador === "undefined") {
    return;
  }
  var config = JSON.parse(source.textContent);
  config.window = { allowClose: false, defaultSideBarPanel: "info", sideBarOpen: true };
  config.workspace = { showZoomControls: true };
  window.miradorInstance = window.Mirador.viewer(config);
})();
