/* Deep-zoom viewer: replaces the plain page image with OpenSeadragon on IIIF level-0 tiles.
 *
 * Data comes from the json_script "viewer-data" ({pages: [{info, label, width, height}], start,
 * highlights}); page links keep working without JavaScript (they reload with ?page=N).
 * Keyboard: the stage is focusable; OpenSeadragon maps arrows/WASD to pan, +/- to zoom, 0 to fit.
 */
(function () {
  "use strict";

  function init(root) {
    var dataNode = document.getElementById("viewer-data");
    if (!dataNode || typeof OpenSeadragon === "undefined") {
      return; // the plain image stays
    }
    var data = JSON.parse(dataNode.textContent);
    var stage = root.querySelector("[data-viewer-stage]");
    var status = root.querySelector("[data-viewer-status]");
    var controls = root.querySelector("[data-viewer-controls]");
    var prev = root.querySelector("[data-viewer-prev]");
    var next = root.querySelector("[data-viewer-next]");
    var current = data.start;

    stage.classList.add("viewer__stage--live");
    var fallback = root.querySelector("[data-viewer-fallback]");
    var viewer = OpenSeadragon({
      element: stage,
      tileSources: data.pages[current].info,
      showNavigationControl: false, // our own labelled buttons instead
      showNavigator: true,
      navigatorPosition: "BOTTOM_RIGHT",
      visibilityRatio: 0.5,
      maxZoomPixelRatio: 4, // readers study strokes of handwriting beyond 1:1
      gestureSettingsMouse: { clickToZoom: false },
      crossOriginPolicy: false,
      preserveViewport: false
    });
    var canvas = stage.querySelector(".openseadragon-canvas");
    if (canvas) {
      canvas.setAttribute("tabindex", "0");
      canvas.setAttribute("role", "application");
      canvas.setAttribute("aria-label", stage.getAttribute("aria-label"));
    }

    viewer.addOnceHandler("open", function () {
      if (fallback) {
        fallback.remove();
      }
      addHighlights(data.highlights || []);
    });
    // OCR layout: blocks and table cells outlined on the page, switched by "Show layout".
    var layoutButton = root.querySelector("[data-viewer-layout]");
    var layoutShown = false;
    function addLayout() {
      var item = viewer.world.getItemAt(0);
      var blocks = data.pages[current].blocks || [];
      var labels = data.layout_labels || {};
      if (!item || !layoutShown) {
        return;
      }
      blocks.forEach(function (block) {
        var element = document.createElement("div");
        element.className = "viewer__block viewer__block--" + block.kind;
        element.setAttribute("data-viewer-block", block.kind);
        element.title = labels[block.kind] || block.kind;
        viewer.addOverlay({
          element: element,
          location: item.imageToViewportRectangle(block.box[0], block.box[1], block.box[2], block.box[3])
        });
        (block.cells || []).forEach(function (cell) {
          var cellElement = document.createElement("div");
          cellElement.className = "viewer__cell";
          cellElement.setAttribute("data-viewer-cell", "");
          cellElement.title = labels.cell || "cell";
          viewer.addOverlay({
            element: cellElement,
            location: item.imageToViewportRectangle(cell[0], cell[1], cell[2], cell[3])
          });
        });
      });
    }
    function removeLayout() {
      root.querySelectorAll("[data-viewer-block], [data-viewer-cell]").forEach(function (element) {
        viewer.removeOverlay(element);
      });
    }
    function updateLayoutButton() {
      if (!layoutButton) {
        return;
      }
      var blocks = data.pages[current].blocks || [];
      layoutButton.disabled = blocks.length === 0;
      layoutButton.setAttribute("aria-pressed", String(layoutShown && blocks.length > 0));
    }
    if (layoutButton) {
      layoutButton.addEventListener("click", function () {
        layoutShown = !layoutShown;
        removeLayout();
        addLayout();
        updateLayoutButton();
      });
      updateLayoutButton();
    }
    viewer.addHandler("open", function () {
      addLayout();
      updateLayoutButton();
    });

    viewer.addHandler("open-failed", function () {
      // Tiles unreachable: give the plain image back rather than an empty black box.
      viewer.destroy();
      stage.classList.remove("viewer__stage--live");
      if (fallback && !fallback.isConnected) {
        stage.appendChild(fallback);
      }
      if (controls) {
        controls.hidden = true;
      }
    });

    function addHighlights(boxes) {
      var item = viewer.world.getItemAt(0);
      boxes.forEach(function (box) {
        var element = document.createElement("div");
        element.className = "viewer__hl viewer__hl--live";
        element.setAttribute("data-viewer-highlight", "");
        viewer.addOverlay({
          element: element,
          location: item.imageToViewportRectangle(box.x, box.y, box.w, box.h)
        });
      });
      if (boxes.length) {
        var first = boxes[0];
        var focus = item.imageToViewportRectangle(
          first.x - first.w, first.y - first.h * 4, first.w * 3, first.h * 9);
        viewer.viewport.fitBoundsWithConstraints(focus, true);
      }
    }

    function show(index) {
      if (index < 0 || index >= data.pages.length || index === current) {
        return;
      }
      current = index;
      viewer.clearOverlays();
      viewer.open(data.pages[index].info);
      var url = new URL(window.location.href);
      url.searchParams.set("page", String(index + 1));
      url.searchParams.delete("file");
      url.searchParams.delete("hl");
      window.history.replaceState(null, "", url);
      if (status) {
        status.textContent = status.getAttribute("data-label-template")
          .replace("{number}", String(index + 1))
          .replace("{label}", data.pages[index].label);
      }
      setDisabled(prev, index === 0);
      setDisabled(next, index === data.pages.length - 1);
    }

    function setDisabled(link, disabled) {
      if (!link) {
        return;
      }
      if (disabled) {
        link.setAttribute("aria-disabled", "true");
      } else {
        link.removeAttribute("aria-disabled");
      }
    }

    [[prev, -1], [next, 1]].forEach(function (pair) {
      if (pair[0]) {
        pair[0].addEventListener("click", function (event) {
          event.preventDefault();
          show(current + pair[1]);
        });
      }
    });

    if (controls) {
      controls.hidden = false;
      controls.addEventListener("click", function (event) {
        var button = event.target.closest("[data-viewer-zoom]");
        if (!button) {
          return;
        }
        var action = button.getAttribute("data-viewer-zoom");
        if (action === "in") {
          viewer.viewport.zoomBy(1.5);
        } else if (action === "out") {
          viewer.viewport.zoomBy(1 / 1.5);
        } else if (action === "home") {
          viewer.viewport.goHome();
        } else if (action === "full") {
          var full = !viewer.isFullPage();
          viewer.setFullScreen(full);
          button.setAttribute("aria-pressed", String(full));
        }
        viewer.viewport.applyConstraints();
      });
    }
    root.viewer = viewer; // for tests and for other scripts on the page (e.g. search hits)
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-viewer]").forEach(init);
  });
})();
