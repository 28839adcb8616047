/* Region picker for the deep-zoom detail block (exhibits/pickers.py).
 *
 * Adds "Draw the region on the page" under each block's fields. It opens the chosen item's page
 * in OpenSeadragon (the IIIF tiles the public viewer uses); dragging on the page draws the
 * rectangle, which is written into the block's own fields (left, top, width, height in percent
 * of the page) — the stored value stays the IIIF region, checked by the block on save. A preview
 * shows the detail as the IIIF image service renders it. "Move" switches dragging back to
 * panning; the page list offers every page of the item's images and PDFs.
 */
(function () {
  "use strict";

  var SOURCE = "/admin/exhibits/region-source/";
  var FIELDS = ["x", "y", "width", "height"];

  function gettext(text) {
    return window.django && window.django.gettext ? window.django.gettext(text) : text;
  }

  function field(block, name) {
    return block.querySelector('input[name$="-' + name + '"]');
  }

  function round(value) {
    return Math.round(value * 100) / 100;
  }

  function clamp(value) {
    return Math.min(100, Math.max(0, value));
  }

  function current(block) {
    var values = {};
    FIELDS.forEach(function (name) {
      var input = field(block, name);
      values[name] = input ? parseFloat(input.value) : NaN;
    });
    return values;
  }

  function write(block, region) {
    FIELDS.forEach(function (name) {
      var input = field(block, name);
      if (!input) return;
      input.value = String(round(region[name]));
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function previewUrl(page, region) {
    return (
      page.base + "/pct:" + [region.x, region.y, region.width, region.height].map(round).join(",") +
      "/!480,480/0/default.jpg"
    );
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function enhance(block) {
    if (block.dataset.regionPicker) return;
    block.dataset.regionPicker = "ready";
    var box = element("div", "picker");
    var open = element("button", "button button-secondary button-small", gettext("Draw the region on the page"));
    open.type = "button";
    var status = element("p", "picker__status");
    status.setAttribute("role", "status");
    box.appendChild(open);
    box.appendChild(status);
    block.appendChild(box);
    var panel = null;
    open.addEventListener("click", function () {
      if (panel) {
        panel.close();
        panel = null;
        open.textContent = gettext("Draw the region on the page");
        return;
      }
      var item = field(block, "item");
      if (!item || !item.value) {
        status.textContent = gettext("Choose the item first.");
        return;
      }
      status.textContent = gettext("Loading the item's pages…");
      fetch(SOURCE + encodeURIComponent(item.value) + "/", { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          if (!data.pages.length) {
            status.textContent = gettext("The item has no image or PDF pages yet.");
            return;
          }
          status.textContent = "";
          panel = openPanel(block, box, data, status);
          open.textContent = gettext("Close the page");
        })
        .catch(function () {
          status.textContent = gettext("The item's pages could not be loaded.");
        });
    });
  }

  function openPanel(block, box, data, status) {
    var panel = element("div", "picker__panel");
    var tools = element("div", "picker__tools");
    var label = element("label", "", gettext("Page"));
    var select = element("select");
    data.pages.forEach(function (page) {
      var option = element("option", "", page.label);
      option.value = String(page.number);
      if (!page.info) option.textContent += " — " + gettext("not tiled yet");
      select.appendChild(option);
    });
    label.appendChild(select);
    var move = element("button", "button button-secondary button-small", gettext("Move the page"));
    move.type = "button";
    move.setAttribute("aria-pressed", "false");
    var help = element(
      "p",
      "picker__help",
      gettext("Drag on the page to draw the region; scroll to zoom. “Move the page” pans instead.")
    );
    tools.appendChild(label);
    tools.appendChild(move);
    var stage = element("div", "picker__stage");
    stage.id = "region-stage-" + Math.random().toString(36).slice(2);
    var preview = element("figure", "picker__preview");
    var image = element("img");
    image.alt = gettext("Preview of the detail");
    var caption = element("figcaption", "", gettext("The detail as the page will show it"));
    preview.appendChild(image);
    preview.appendChild(caption);
    panel.appendChild(tools);
    panel.appendChild(help);
    panel.appendChild(stage);
    panel.appendChild(preview);
    box.appendChild(panel);

    var pageInput = field(block, "page");
    var start = Math.min(Math.max(parseInt(pageInput && pageInput.value, 10) || 1, 1), data.pages.length);
    select.value = String(start);
    var page = data.pages[start - 1];
    var moving = false;
    var overlay = element("div", "picker__region");
    var anchor = null;

    var viewer = OpenSeadragon({
      id: stage.id,
      prefixUrl: "/static/vendor/openseadragon/images/",
      showNavigator: false,
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
      crossOriginPolicy: false,
    });
    stage.viewer = viewer;  // for tests and the browser console

    function showPreview() {
      var region = current(block);
      if (!page.info || !(region.width > 0 && region.height > 0)) {
        preview.hidden = true;
        return;
      }
      preview.hidden = false;
      image.src = previewUrl(page, region);
    }

    function placeOverlay() {
      var region = current(block);
      var item = viewer.world.getItemAt(0);
      if (!item || !(region.width > 0 && region.height > 0)) return;
      var rect = item.imageToViewportRectangle(
        (region.x / 100) * page.width,
        (region.y / 100) * page.height,
        (region.width / 100) * page.width,
        (region.height / 100) * page.height
      );
      if (viewer.getOverlayById(overlay)) viewer.updateOverlay(overlay, rect);
      else viewer.addOverlay({ element: overlay, location: rect });
    }

    function openPage() {
      viewer.clearOverlays();
      if (!page.info) {
        status.textContent = gettext("This page's tiles are still being made; try again later.");
        viewer.close();
        preview.hidden = true;
        return;
      }
      status.textContent = "";
      viewer.open(page.info);
    }

    viewer.addHandler("open", function () {
      placeOverlay();
      showPreview();
    });

    function percentAt(position) {
      var point = viewer.viewport.viewerElementToImageCoordinates(position);
      return { x: clamp((point.x / page.width) * 100), y: clamp((point.y / page.height) * 100) };
    }

    viewer.addHandler("canvas-press", function (event) {
      if (moving || !page.info) return;
      anchor = percentAt(event.position);
    });
    viewer.addHandler("canvas-drag", function (event) {
      if (moving || !anchor) return;
      event.preventDefaultAction = true;
      var end = percentAt(event.position);
      write(block, {
        x: Math.min(anchor.x, end.x),
        y: Math.min(anchor.y, end.y),
        width: Math.abs(end.x - anchor.x),
        height: Math.abs(end.y - anchor.y),
      });
      if (pageInput) pageInput.value = String(page.number);
      placeOverlay();
    });
    viewer.addHandler("canvas-release", function () {
      if (!anchor) return;
      anchor = null;
      var region = current(block);
      if (region.width < 1 || region.height < 1) {
        status.textContent = gettext("The region is too small: drag a larger rectangle (at least 1 % each way).");
      } else {
        status.textContent = "";
        if (pageInput) {
          pageInput.value = String(page.number);
          pageInput.dispatchEvent(new Event("change", { bubbles: true }));
        }
      }
      showPreview();
    });

    move.addEventListener("click", function () {
      moving = !moving;
      move.setAttribute("aria-pressed", moving ? "true" : "false");
    });
    select.addEventListener("change", function () {
      page = data.pages[parseInt(select.value, 10) - 1];
      if (pageInput) {
        pageInput.value = select.value;
        pageInput.dispatchEvent(new Event("change", { bubbles: true }));
      }
      openPage();
    });
    FIELDS.forEach(function (name) {
      var input = field(block, name);
      if (input) input.addEventListener("change", function () { placeOverlay(); showPreview(); });
    });
    openPage();
    return {
      close: function () {
        viewer.destroy();
        box.removeChild(panel);
      },
    };
  }

  function scan(root) {
    (root.querySelectorAll ? root : document).querySelectorAll(".deep-zoom-block").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () {
    scan(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType !== 1) return;
          if (node.classList.contains("deep-zoom-block")) enhance(node);
          scan(node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
