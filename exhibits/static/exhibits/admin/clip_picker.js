/* Clip picker for the oral-history clip block (exhibits/pickers.py).
 *
 * "Mark the clip by ear" opens the chosen interview's recording with its transcript beside it.
 * The line being spoken is highlighted as it plays; a line's button seeks there. "Mark in" and
 * "Mark out" (keys I and O while the picker has focus) write the playhead into the block's own
 * start and end fields, snapped to the start or end of the transcript segment under the
 * playhead unless "Snap" is unticked. "Play the clip" (P) plays from in to out; the text that
 * the published clip will quote is shown below. Space plays or pauses; J goes back 5 s.
 * The block checks the times again when the page is saved.
 */
(function () {
  "use strict";

  var SOURCE = "/admin/exhibits/clip-source/";

  function gettext(text) {
    return window.django && window.django.gettext ? window.django.gettext(text) : text;
  }

  function interpolate(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) {
      return String(values[key]);
    });
  }

  function field(block, name) {
    return block.querySelector('input[name$="-' + name + '"]');
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // Milliseconds ↔ "h:mm:ss.mmm", which the block's parse_timecode reads.
  function timecode(ms) {
    ms = Math.max(0, Math.round(ms));
    var seconds = Math.floor(ms / 1000);
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var frac = ms % 1000;
    var text = h + ":" + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    return frac ? text + "." + String(frac).padStart(3, "0") : text;
  }

  function parse(text) {
    var match = /^\s*(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d{1,3})?)\s*$/.exec(text || "");
    if (!match) return null;
    return Math.round(((+(match[1] || 0) * 60 + +(match[2] || 0)) * 60 + parseFloat(match[3])) * 1000);
  }

  function setValue(input, value) {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function enhance(block) {
    if (block.dataset.clipPicker) return;
    block.dataset.clipPicker = "ready";
    var box = element("div", "picker");
    var open = element("button", "button button-secondary button-small", gettext("Mark the clip by ear"));
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
        open.textContent = gettext("Mark the clip by ear");
        return;
      }
      var interview = field(block, "interview");
      if (!interview || !interview.value) {
        status.textContent = gettext("Choose the interview first.");
        return;
      }
      fetch(SOURCE + encodeURIComponent(interview.value) + "/", { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          if (!data.src) {
            status.textContent = gettext("The interview has no playable recording yet.");
            return;
          }
          status.textContent = "";
          panel = openPanel(block, box, data, status);
          open.textContent = gettext("Close the player");
        })
        .catch(function () {
          status.textContent = gettext("The interview could not be loaded.");
        });
    });
  }

  function openPanel(block, box, data, status) {
    var startInput = field(block, "start");
    var endInput = field(block, "end");
    var segments = data.segments;
    var panel = element("div", "picker__panel clip-picker");
    panel.tabIndex = -1;
    var player = element(data.video ? "video" : "audio", "clip-picker__player");
    player.controls = true;
    player.preload = "metadata";
    player.src = data.src;
    var tools = element("div", "picker__tools");
    function tool(label, key) {
      var button = element("button", "button button-secondary button-small", label);
      button.type = "button";
      if (key) button.setAttribute("aria-keyshortcuts", key);
      tools.appendChild(button);
      return button;
    }
    var markIn = tool(gettext("Mark in (I)"), "I");
    var markOut = tool(gettext("Mark out (O)"), "O");
    var playClip = tool(gettext("Play the clip (P)"), "P");
    var snapLabel = element("label", "clip-picker__snap");
    var snap = element("input");
    snap.type = "checkbox";
    snap.checked = true;
    snapLabel.appendChild(snap);
    snapLabel.appendChild(document.createTextNode(" " + gettext("Snap to transcript segments")));
    tools.appendChild(snapLabel);
    var span = element("p", "clip-picker__span");
    span.setAttribute("aria-live", "polite");
    var list = element("ol", "clip-picker__transcript");
    var rows = segments.map(function (segment) {
      var row = element("li");
      var button = element("button", "clip-picker__line");
      button.type = "button";
      button.appendChild(element("span", "clip-picker__time", timecode(segment.start)));
      if (segment.speaker) button.appendChild(element("strong", "", segment.speaker + "："));
      button.appendChild(document.createTextNode(segment.text));
      button.addEventListener("click", function () {
        player.currentTime = segment.start / 1000;
      });
      row.appendChild(button);
      list.appendChild(row);
      return row;
    });
    var quoteHeading = element("h4", "clip-picker__quote-heading", gettext("The clip will quote"));
    var quote = element("blockquote", "clip-picker__quote");
    var help = element(
      "p",
      "picker__help",
      gettext("Keys while the player has focus: Space play/pause, J back 5 s, I mark in, O mark out, P play the clip.")
    );
    var layout = element("div", "clip-picker__layout");
    var left = element("div");
    left.appendChild(player);
    left.appendChild(tools);
    left.appendChild(span);
    left.appendChild(quoteHeading);
    left.appendChild(quote);
    left.appendChild(help);
    layout.appendChild(left);
    layout.appendChild(list);
    panel.appendChild(layout);
    box.appendChild(panel);

    var stopAt = null;

    function duration() {
      if (data.duration_ms) return data.duration_ms;
      return isFinite(player.duration) ? player.duration * 1000 : null;
    }

    function segmentAt(ms) {
      for (var n = 0; n < segments.length; n++) {
        if (segments[n].start <= ms && ms < segments[n].end) return segments[n];
      }
      return null;
    }

    function check() {
      var start = parse(startInput.value);
      var end = parse(endInput.value);
      var problems = [];
      if (start !== null && end !== null && end <= start) problems.push(gettext("The out point must come after the in point."));
      var total = duration();
      if (total && end !== null && end > total) {
        problems.push(interpolate(gettext("The out point is past the end of the recording (%(end)s)."), { end: timecode(total) }));
      }
      span.textContent =
        (start !== null ? gettext("In") + " " + timecode(start) : gettext("No in point")) + " — " +
        (end !== null ? gettext("Out") + " " + timecode(end) : gettext("No out point")) +
        (problems.length ? " · " + problems.join(" ") : "");
      span.classList.toggle("is-error", problems.length > 0);
      quote.textContent = "";
      if (start === null || end === null || end <= start) return;
      segments.forEach(function (segment) {
        if (segment.start < end && segment.end > start) {
          var line = element("p");
          if (segment.speaker) line.appendChild(element("strong", "", segment.speaker + "："));
          line.appendChild(document.createTextNode(segment.text));
          quote.appendChild(line);
        }
      });
      if (!quote.childNodes.length) quote.textContent = gettext("(no transcript in this span)");
    }

    function mark(which) {
      var ms = player.currentTime * 1000;
      var segment = snap.checked ? segmentAt(ms) : null;
      if (segment) ms = which === "start" ? segment.start : segment.end;
      setValue(which === "start" ? startInput : endInput, timecode(ms));
      check();
    }

    function play() {
      var start = parse(startInput.value);
      var end = parse(endInput.value);
      if (start === null || end === null || end <= start) {
        check();
        return;
      }
      stopAt = end / 1000;
      player.currentTime = start / 1000;
      player.play();
    }

    player.addEventListener("timeupdate", function () {
      var ms = player.currentTime * 1000;
      rows.forEach(function (row, n) {
        var on = segments[n].start <= ms && ms < segments[n].end;
        row.classList.toggle("is-current", on);
      });
      if (stopAt !== null && player.currentTime >= stopAt) {
        player.pause();
        stopAt = null;
      }
    });
    player.addEventListener("loadedmetadata", check);
    markIn.addEventListener("click", function () { mark("start"); });
    markOut.addEventListener("click", function () { mark("end"); });
    playClip.addEventListener("click", play);
    startInput.addEventListener("change", check);
    endInput.addEventListener("change", check);
    panel.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      if (target.tagName === "INPUT" && target.type !== "checkbox") return;
      var key = event.key.toLowerCase();
      if (key === "i") mark("start");
      else if (key === "o") mark("end");
      else if (key === "p") play();
      else if (key === "j") player.currentTime = Math.max(0, player.currentTime - 5);
      else if (key === " " && target.tagName !== "BUTTON" && target !== player) {
        if (player.paused) player.play(); else player.pause();
      } else return;
      event.preventDefault();
    });
    check();
    return {
      close: function () {
        player.pause();
        box.removeChild(panel);
      },
    };
  }

  function scan(root) {
    root.querySelectorAll(".clip-block").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () {
    scan(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType !== 1) return;
          if (node.classList.contains("clip-block")) enhance(node);
          scan(node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
