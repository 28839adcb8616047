/* Transcript editor with player (archive_collections/oral_history/editor.py).
 *
 * Edits a copy of the interview's segments in the page; "Save" posts them all and the server
 * checks them as the importers do (overlaps, order, past the end), naming the segment of each
 * problem, which is then marked here. The segment under the playhead is highlighted and, with
 * "Follow playback", scrolled into view.
 */
(function () {
  "use strict";

  function gettext(text) {
    return window.django && window.django.gettext ? window.django.gettext(text) : text;
  }

  function interpolate(text, values) {
    return text.replace(/%\((\w+)\)[sd]/g, function (_m, key) { return String(values[key]); });
  }

  function timecode(ms) {
    ms = Math.max(0, Math.round(ms));
    var pad = function (n, w) { return String(n).padStart(w || 2, "0"); };
    var s = Math.floor(ms / 1000);
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60) + "." + pad(ms % 1000, 3);
  }

  /* "hh:mm:ss.mmm", "mm:ss.mmm" or seconds → ms; null when unreadable. */
  function parseTime(text) {
    var match = /^\s*(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:[.,]\d{1,3})?)\s*$/.exec(text || "");
    if (!match) return null;
    var seconds = parseFloat(match[3].replace(",", "."));
    return Math.round(((+(match[1] || 0) * 60 + +(match[2] || 0)) * 60 + seconds) * 1000);
  }

  function csrfToken() {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function Editor(root, data) {
    this.root = root;
    this.data = data;
    this.segments = data.segments.map(function (s) { return Object.assign({}, s); });
    this.media = root.querySelector("[data-editor-media]");
    this.body = root.querySelector("[data-editor-rows]");
    this.status = root.querySelector("[data-editor-status]");
    this.follow = root.querySelector("[data-editor-follow]");
    this.current = -1;
    this.lastFocus = null;  // {index, caret} of the last text edited
    this.dirty = false;
    this.render();
    this.bind();
  }

  Editor.prototype.say = function (text, error) {
    this.status.textContent = text;
    this.status.classList.toggle("is-error", !!error);
  };

  Editor.prototype.playhead = function () {
    return this.media ? Math.round(this.media.currentTime * 1000) : 0;
  };

  Editor.prototype.render = function () {
    var self = this;
    this.body.textContent = "";
    this.rows = this.segments.map(function (segment, index) {
      var row = document.createElement("tr");
      row.dataset.index = String(index);
      var number = document.createElement("td");
      number.textContent = String(index + 1);
      row.appendChild(number);
      ["start_ms", "end_ms"].forEach(function (key) {
        var cell = document.createElement("td");
        var input = document.createElement("input");
        input.type = "text";
        input.value = timecode(segment[key]);
        input.setAttribute("aria-label", interpolate(key === "start_ms" ? gettext("Start of segment %(n)s") : gettext("End of segment %(n)s"), { n: index + 1 }));
        input.addEventListener("change", function () {
          var ms = parseTime(input.value);
          if (ms === null) {
            self.say(interpolate(gettext("Segment %(n)s: “%(text)s” is not a time; write hh:mm:ss.mmm."), { n: index + 1, text: input.value }), true);
            input.setAttribute("aria-invalid", "true");
            return;
          }
          input.removeAttribute("aria-invalid");
          segment[key] = ms;
          input.value = timecode(ms);
          self.changed();
        });
        cell.appendChild(input);
        row.appendChild(cell);
      });
      var speakerCell = document.createElement("td");
      var speaker = document.createElement("input");
      speaker.type = "text";
      speaker.className = "speaker";
      speaker.maxLength = 100;
      speaker.value = segment.speaker;
      speaker.setAttribute("aria-label", interpolate(gettext("Speaker of segment %(n)s"), { n: index + 1 }));
      speaker.addEventListener("input", function () { segment.speaker = speaker.value; self.changed(); });
      speakerCell.appendChild(speaker);
      row.appendChild(speakerCell);
      var textCell = document.createElement("td");
      var text = document.createElement("textarea");
      text.value = segment.text;
      text.rows = Math.min(6, Math.max(2, Math.ceil(segment.text.length / 40)));
      text.setAttribute("aria-label", interpolate(gettext("Text of segment %(n)s"), { n: index + 1 }));
      text.addEventListener("input", function () { segment.text = text.value; self.changed(); });
      var remember = function () { self.lastFocus = { index: index, caret: text.selectionStart }; };
      text.addEventListener("keyup", remember);
      text.addEventListener("click", remember);
      text.addEventListener("focus", remember);
      textCell.appendChild(text);
      row.appendChild(textCell);
      var actions = document.createElement("td");
      actions.className = "transcript-editor__actions";
      [
        [gettext("Play from here"), function () { self.seek(segment.start_ms, true); }],
        [gettext("Split at the playhead"), function () { self.split(index); }],
        [gettext("Merge with next"), function () { self.merge(index); }],
      ].forEach(function (pair) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button button-secondary button-small";
        button.textContent = pair[0];
        button.addEventListener("click", pair[1]);
        actions.appendChild(button);
      });
      row.appendChild(actions);
      self.body.appendChild(row);
      return row;
    });
    this.current = -1;
    this.highlight();
  };

  Editor.prototype.changed = function () {
    this.dirty = true;
  };

  Editor.prototype.indexAt = function (ms) {
    for (var n = 0; n < this.segments.length; n++) {
      if (this.segments[n].start_ms <= ms && ms < this.segments[n].end_ms) return n;
    }
    return -1;
  };

  Editor.prototype.highlight = function () {
    var index = this.indexAt(this.playhead());
    if (index === this.current) return;
    if (this.rows[this.current]) this.rows[this.current].classList.remove("is-current");
    this.current = index;
    if (index < 0) return;
    this.rows[index].classList.add("is-current");
    var active = document.activeElement;
    var typing = active && this.body.contains(active);
    if (this.follow.checked && !typing) this.rows[index].scrollIntoView({ block: "center" });
  };

  Editor.prototype.seek = function (ms, play) {
    if (!this.media) return;
    this.media.currentTime = ms / 1000;
    if (play) { var p = this.media.play(); if (p && p.catch) p.catch(function () {}); }
  };

  Editor.prototype.toggle = function () {
    if (!this.media) return;
    if (this.media.paused) { var p = this.media.play(); if (p && p.catch) p.catch(function () {}); }
    else this.media.pause();
  };

  Editor.prototype.back = function () {
    if (this.media) this.media.currentTime = Math.max(0, this.media.currentTime - 5);
  };

  /* Split segment `index` at the playhead: the text at the caret when the cursor is in that
   * segment's text, else in proportion to the time. */
  Editor.prototype.split = function (index) {
    var segment = this.segments[index];
    var at = this.playhead();
    if (!(segment.start_ms < at && at < segment.end_ms)) {
      this.say(interpolate(gettext("Segment %(n)s: the playhead (%(time)s) is not inside it; play to the place to split first."), { n: index + 1, time: timecode(at) }), true);
      return;
    }
    var caret = this.lastFocus && this.lastFocus.index === index ? this.lastFocus.caret : null;
    var length = segment.text.length;
    if (caret === null || caret <= 0 || caret >= length) {
      caret = Math.round(length * (at - segment.start_ms) / (segment.end_ms - segment.start_ms));
    }
    caret = Math.min(Math.max(caret, 1), Math.max(length - 1, 1));
    var second = { start_ms: at, end_ms: segment.end_ms, speaker: segment.speaker, text: segment.text.slice(caret).trim() };
    segment.text = segment.text.slice(0, caret).trim();
    segment.end_ms = at;
    this.segments.splice(index + 1, 0, second);
    this.lastFocus = null;
    this.changed();
    this.render();
    this.say(interpolate(gettext("Split segment %(n)s at %(time)s."), { n: index + 1, time: timecode(at) }));
  };

  Editor.prototype.merge = function (index) {
    var first = this.segments[index];
    var next = this.segments[index + 1];
    if (!next) {
      this.say(interpolate(gettext("Segment %(n)s is the last; there is nothing to merge it with."), { n: index + 1 }), true);
      return;
    }
    if ((first.speaker || "") !== (next.speaker || "")) {
      this.say(interpolate(gettext("Segments %(a)s and %(b)s have different speakers; merge only one speaker's lines."), { a: index + 1, b: index + 2 }), true);
      return;
    }
    first.text = first.text + next.text;
    first.end_ms = Math.max(first.end_ms, next.end_ms);
    this.segments.splice(index + 1, 1);
    this.changed();
    this.render();
    this.say(interpolate(gettext("Merged segments %(a)s and %(b)s."), { a: index + 1, b: index + 2 }));
  };

  Editor.prototype.shift = function (text) {
    var value = parseFloat(String(text || "").replace(",", "."));
    if (!isFinite(value) || value === 0) {
      this.say(gettext("Offset: write a number of seconds, e.g. 1.5 or -2."), true);
      return;
    }
    var offset = Math.round(value * 1000);
    var earliest = this.segments.reduce(function (low, s) { return Math.min(low, s.start_ms); }, Infinity);
    if (earliest + offset < 0) {
      this.say(interpolate(gettext("Offset: %(offset)s s would move segment 1 before the start of the recording."), { offset: value }), true);
      return;
    }
    this.segments.forEach(function (s) { s.start_ms += offset; s.end_ms += offset; });
    this.changed();
    this.render();
    this.say(interpolate(gettext("Shifted every time by %(offset)s s."), { offset: value }));
  };

  Editor.prototype.save = function () {
    var self = this;
    this.rows.forEach(function (row) { row.classList.remove("is-problem"); });
    this.say(gettext("Saving…"));
    fetch(this.data.save_url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ segments: this.segments }),
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (result.ok) {
          self.dirty = false;
          self.say(result.body.message);
          return;
        }
        var list = document.createElement("ul");
        result.body.problems.forEach(function (problem) {
          var item = document.createElement("li");
          item.textContent = problem.message;
          list.appendChild(item);
          if (self.rows[problem.segment - 1]) self.rows[problem.segment - 1].classList.add("is-problem");
        });
        self.say(gettext("Nothing was saved:"), true);
        self.status.appendChild(list);
        var first = result.body.problems[0];
        if (first && self.rows[first.segment - 1]) self.rows[first.segment - 1].scrollIntoView({ block: "center" });
      })
      .catch(function () { self.say(gettext("The server could not be reached; nothing was saved."), true); });
  };

  Editor.prototype.bind = function () {
    var self = this;
    var root = this.root;
    if (this.media) {
      this.media.addEventListener("timeupdate", function () { self.highlight(); });
      this.media.addEventListener("seeked", function () { self.highlight(); });
    }
    root.querySelector("[data-editor-play]").addEventListener("click", function () { self.toggle(); });
    root.querySelector("[data-editor-back]").addEventListener("click", function () { self.back(); });
    root.querySelector("[data-editor-shift]").addEventListener("click", function () {
      self.shift(root.querySelector("[data-editor-offset]").value);
    });
    root.querySelector("[data-editor-save]").addEventListener("click", function () { self.save(); });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var inField = target && (target.tagName === "TEXTAREA" || (target.tagName === "INPUT" && target.type === "text"));
      var key = event.key;
      var current = self.current >= 0 ? self.current : (self.lastFocus ? self.lastFocus.index : -1);
      if (key === "Escape") self.toggle();
      else if (event.altKey && (key === "j" || key === "J" || event.code === "KeyJ")) self.back();
      else if (event.altKey && event.code === "KeyS" && current >= 0) self.split(current);
      else if (event.altKey && event.code === "KeyM" && current >= 0) self.merge(current);
      else if (!inField && !event.ctrlKey && !event.metaKey && !event.altKey && key === " " && target.tagName !== "BUTTON" && target !== self.media) self.toggle();
      else if (!inField && !event.ctrlKey && !event.metaKey && !event.altKey && (key === "j" || key === "J")) self.back();
      else return;
      event.preventDefault();
    });
    window.addEventListener("beforeunload", function (event) {
      if (self.dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  };

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-transcript-editor]");
    var data = document.getElementById("transcript-editor-data");
    if (root && data) root.transcriptEditor = new Editor(root, JSON.parse(data.textContent));
  });
})();
