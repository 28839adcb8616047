/* Deep-zoom viewer: replaces the plain page image with OpenSeadragon on IIIF level-0 tiles.
 *
 * Data comes from the json_script "viewer-data" ({pages: [{info, label, width, height, download}],
 * start, highlights, messages}); page links, the thumbnail strip and the go-to-page box keep
 * working without JavaScript (they reload with ?page=N). The strip, the download link and the
 * go-to-page box follow the page shown; a page number that does not exist is named in a message.
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
    var strip = root.querySelector("[data-viewer-strip]");
    var download = root.querySelector("[data-viewer-download]");
    var gotoForm = root.querySelector("[data-viewer-goto]");
    var gotoInput = root.querySelector("[data-viewer-goto-input]");
    var error = root.querySelector("[data-viewer-error]");
    var pdfForm = root.querySelector("[data-viewer-pdf]");
    var pdfError = root.querySelector("[data-viewer-pdf-error]");
    var pdfEdited = false;
    var messages = data.messages || {};

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
      showError(error, "");
      if (strip) {
        strip.querySelectorAll("[data-viewer-thumb]").forEach(function (link) {
          if (Number(link.getAttribute("data-viewer-thumb")) === index) {
            link.setAttribute("aria-current", "page");
          } else {
            link.removeAttribute("aria-current");
          }
        });
        centreThumb(index);
      }
      if (download) {
        download.href = data.pages[index].download;
        download.textContent = download.getAttribute("data-label-template")
          .replace("{number}", String(index + 1));
      }
      if (gotoInput) {
        gotoInput.value = String(index + 1);
      }
      if (pdfForm && !pdfEdited) {
        pdfForm.elements.from.value = String(index + 1);
        pdfForm.elements.to.value = String(index + 1);
      }
    }

    function showError(element, text) {
      if (!element) {
        return;
      }
      element.textContent = text;
      element.hidden = !text;
    }

    function format(template, values) {
      return Object.keys(values).reduce(function (text, key) {
        return text.split("{" + key + "}").join(String(values[key]));
      }, template || "");
    }

    // A page number typed by a reader: the index, or null with the reason shown.
    function pageIndex(value, errorElement) {
      var total = data.pages.length;
      var text = String(value).trim();
      if (!/^[0-9]+$/.test(text)) {
        showError(errorElement, format(messages.not_a_number, { total: total }));
        return null;
      }
      var number = Number(text);
      if (number < 1 || number > total) {
        showError(errorElement, format(messages.out_of_range, { number: number, total: total }));
        return null;
      }
      return number - 1;
    }

    if (gotoForm && gotoInput) {
      gotoForm.addEventListener("submit", function (event) {
        event.preventDefault();
        var index = pageIndex(gotoInput.value, error);
        if (index === null) {
          gotoInput.setAttribute("aria-invalid", "true");
          gotoInput.focus();
          return;
        }
        gotoInput.removeAttribute("aria-invalid");
        show(index);
        showError(error, "");
      });
    }

    if (pdfForm) {
      pdfForm.addEventListener("input", function () {
        pdfEdited = true;
      });
      pdfForm.addEventListener("submit", function (event) {
        var first = pageIndex(pdfForm.elements.from.value, pdfError);
        var last = first === null ? null : pageIndex(pdfForm.elements.to.value, pdfError);
        if (first !== null && last !== null && first > last) {
          showError(pdfError, messages.range_order);
          last = null;
        }
        if (first === null || last === null) {
          event.preventDefault();
          return;
        }
        showError(pdfError, "");
      });
    }

    // Thumbnails away from the current page have no src in the HTML: they are given theirs when
    // they come near the strip's visible part, so a long document loads only what is seen.
    if (strip) {
      var pending = strip.querySelectorAll("img[data-src]");
      if ("IntersectionObserver" in window) {
        var observer = new IntersectionObserver(function (entries) {
          entries.forEach(function (entry) {
            if (entry.isIntersecting) {
              entry.target.src = entry.target.getAttribute("data-src");
              entry.target.removeAttribute("data-src");
              observer.unobserve(entry.target);
            }
          });
        }, { root: strip, rootMargin: "0px 300px" });
        pending.forEach(function (image) {
          observer.observe(image);
        });
      } else {
        pending.forEach(function (image) {
          image.src = image.getAttribute("data-src");
        });
      }
      strip.addEventListener("click", function (event) {
        var link = event.target.closest("[data-viewer-thumb]");
        if (!link) {
          return;
        }
        event.preventDefault();
        show(Number(link.getAttribute("data-viewer-thumb")));
      });
      centreThumb(current);
    }

    function centreThumb(index) {
      var link = strip && strip.querySelector('[data-viewer-thumb="' + index + '"]');
      if (!link) {
        return;
      }
      var item = link.parentNode;
      strip.scrollLeft = item.offsetLeft - (strip.clientWidth - item.offsetWidth) / 2;
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
