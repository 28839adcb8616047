/* Interview player: synchronised transcript, index, search and "cite this moment".
 *
 * The page works without this script (every time is a link to ?t=SECONDS, search is a GET
 * form); the script makes the same links seek in place, follows playback and searches as you
 * type. Vanilla JS, no dependencies.
 */
(function () {
  "use strict";

  function fold(text) {
    // Full-width to half-width and case folding; Chinese is matched as a plain substring.
    return (text || "").normalize("NFKC").toLowerCase();
  }

  function timecode(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }

  function secondsText(seconds) {
    return String(Math.round(seconds * 1000) / 1000);
  }

  /* ?t=42, ?t=1:02:03, #t=42 (media-fragment style, also "#t=42,50"). */
  function requestedTime() {
    var params = new URLSearchParams(window.location.search);
    var raw = params.get("t");
    var hash = window.location.hash.match(/[#&]t=([\d:.]+)/);
    if (hash) raw = hash[1];
    if (!raw) return null;
    var seconds = 0;
    var parts = raw.replace(/s$/, "").split(":");
    for (var i = 0; i < parts.length; i++) {
      var value = parseFloat(parts[i]);
      if (isNaN(value)) return null;
      seconds = seconds * 60 + value;
    }
    return seconds >= 0 ? seconds : null;
  }

  function message(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function timeFromHref(href) {
    var match = /[?&]t=([\d.]+)/.exec(href || "");
    return match ? parseFloat(match[1]) : null;
  }

  function Player(root) {
    this.root = root;
    this.media = root.querySelector(".oh-media");
    this.list = root.querySelector("[data-oh-transcript]");
    this.lines = this.list ? Array.prototype.slice.call(this.list.children) : [];
    this.starts = this.lines.map(function (li) { return parseFloat(li.dataset.start); });
    this.points = Array.prototype.slice.call(root.querySelectorAll(".oh-point"));
    this.current = -1;
    this.follow = true;
    this.programmaticScroll = 0;
    this.followButton = root.querySelector("[data-oh-follow]");
    this.hits = root.querySelector("[data-oh-hits]");
    root.querySelectorAll("[data-oh-js-only]").forEach(function (el) { el.hidden = false; });
    this.bind();
    var start = requestedTime();
    if (start !== null) this.startAt(start);
    else this.highlight(0, false);
  }

  /* Index of the last segment starting at or before `seconds` (binary search: 2,000 lines). */
  Player.prototype.indexAt = function (seconds) {
    var lo = 0, hi = this.starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (this.starts[mid] <= seconds + 0.001) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  };

  /* Where a link's time lands: a whole second (?t=16, as citations write it) reaches a line
   * starting within that second, as the page rendered without this script does (player.py). */
  Player.prototype.landing = function (seconds) {
    if (seconds !== Math.floor(seconds)) return seconds;
    var index = this.indexAt(seconds + 0.999);
    return index >= 0 && this.starts[index] > seconds ? this.starts[index] : seconds;
  };

  Player.prototype.highlight = function (seconds, scroll) {
    var index = this.indexAt(seconds);
    if (index === this.current) return;
    if (this.current >= 0 && this.lines[this.current]) {
      this.lines[this.current].classList.remove("is-current");
      this.lines[this.current].removeAttribute("aria-current");
    }
    this.current = index;
    if (index < 0) return;
    var line = this.lines[index];
    line.classList.add("is-current");
    line.setAttribute("aria-current", "true");
    if (scroll && this.follow) this.scrollTo(line);
  };

  Player.prototype.scrollTo = function (line) {
    var list = this.list;
    var top = line.offsetTop - list.offsetTop - list.clientHeight / 3;
    this.programmaticScroll = Date.now();
    list.scrollTop = Math.max(0, top);
  };

  Player.prototype.setFollow = function (on) {
    this.follow = on;
    if (!this.followButton) return;
    this.followButton.setAttribute("aria-pressed", on ? "true" : "false");
    this.followButton.textContent = on ? this.followButton.dataset.labelOn
      : this.followButton.dataset.labelOff;
    if (on && this.current >= 0) this.scrollTo(this.lines[this.current]);
  };

  Player.prototype.seek = function (seconds, play) {
    var media = this.media;
    if (!media) return;
    var apply = function () {
      media.currentTime = seconds;
      if (play) { var p = media.play(); if (p && p.catch) p.catch(function () {}); }
    };
    if (media.readyState >= 1) apply();
    else {
      media.preload = "metadata";
      media.addEventListener("loadedmetadata", apply, { once: true });
      media.load();
    }
    this.highlight(seconds, true);
  };

  Player.prototype.startAt = function (seconds) {
    seconds = this.landing(seconds);
    this.highlight(seconds, true);
    if (this.media) this.seek(seconds, false);
  };

  Player.prototype.bind = function () {
    var self = this;
    if (this.media) {
      this.media.addEventListener("timeupdate", function () {
        self.highlight(self.media.currentTime, true);
      });
      this.media.addEventListener("seeked", function () {
        self.highlight(self.media.currentTime, true);
      });
    }
    this.root.addEventListener("click", function (event) {
      if (!self.media) return;
      var link = event.target.closest("a.oh-time");
      var seconds = link ? timeFromHref(link.getAttribute("href")) : null;
      if (link && seconds === null) return;
      if (!link) {
        // A click on a line's text seeks too, unless the reader is selecting text to copy or
        // following a link inside it.
        var line = event.target.closest(".oh-line");
        var selection = window.getSelection ? window.getSelection() : null;
        if (!line || event.target.closest("a") || (selection && !selection.isCollapsed)) return;
        seconds = parseFloat(line.dataset.start);
        self.seek(seconds, true);
        return;
      }
      event.preventDefault();
      self.seek(self.landing(seconds), true);
      self.media.focus();
    });
    if (this.list) {
      // A reader scrolling the transcript by hand pauses auto-scroll until they turn it back on.
      var manual = function () {
        if (Date.now() - self.programmaticScroll > 150 && self.follow) self.setFollow(false);
      };
      this.list.addEventListener("wheel", manual, { passive: true });
      this.list.addEventListener("touchmove", manual, { passive: true });
      this.list.addEventListener("keydown", function (event) {
        if (["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "].indexOf(event.key) >= 0) manual();
      });
    }
    if (this.followButton) {
      this.followButton.addEventListener("click", function () { self.setFollow(!self.follow); });
    }
    var cite = this.root.querySelector("[data-oh-cite]");
    if (cite) cite.addEventListener("click", function () { self.cite(); });
    var form = this.root.querySelector("[data-oh-search]");
    if (form) {
      var input = form.querySelector("input[type=search]");
      var timer = null;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        self.search(input.value);
      });
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { self.search(input.value); }, 200);
      });
    }
  };

  Player.prototype.cite = function () {
    var self = this;
    var seconds = this.media ? this.media.currentTime : 0;
    var url = new URL(this.root.dataset.pageUrl, window.location.href);
    url.searchParams.set("t", secondsText(Math.floor(seconds)));
    url.hash = "player";
    var box = this.root.querySelector("[data-oh-cite-output]");
    var input = box.querySelector("input");
    var status = box.querySelector("[data-oh-cite-status]");
    box.hidden = false;
    input.value = url.toString();
    input.focus();
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () {
        status.textContent = message(self.root.dataset.msgCopied, { time: timecode(seconds) });
      }, function () { status.textContent = timecode(seconds); });
    } else {
      status.textContent = timecode(seconds);
    }
  };

  /* The server's search (search.json: traditional script and pinyin match, as in the site
   * search); the plain substring search below when it cannot be reached. */
  Player.prototype.search = function (query) {
    var self = this;
    var url = this.root.dataset.searchUrl;
    var asked = query;
    this.asked = asked;
    if (!url || !fold(query.trim()) || !window.fetch) { this.localSearch(query); return; }
    fetch(url + "?" + new URLSearchParams({ q: query.trim() }).toString(), { credentials: "same-origin" })
      .then(function (response) { if (!response.ok) throw new Error(); return response.json(); })
      .then(function (data) {
        if (self.asked !== asked) return;
        self.lines.forEach(function (li) { li.classList.remove("is-hit"); });
        var found = data.hits.map(function (hit) {
          if (hit.segment && self.lines[hit.segment - 1]) self.lines[hit.segment - 1].classList.add("is-hit");
          return {
            kind: hit.kind === "index" ? self.root.dataset.labelIndex : self.root.dataset.labelTranscript,
            href: "?t=" + hit.seconds + "#player", time: hit.timecode,
            text: (hit.kind === "transcript" && hit.label ? hit.label + "：" : (hit.label ? hit.label + " " : "")) + hit.text,
          };
        });
        self.showHits(query, found, true);
      })
      .catch(function () { if (self.asked === asked) self.localSearch(query); });
  };

  Player.prototype.localSearch = function (query) {
    var needle = fold(query.trim());
    var hits = this.hits;
    hits.textContent = "";
    this.lines.forEach(function (li) { li.classList.remove("is-hit"); });
    if (!needle) return;
    var found = [];
    var self = this;
    this.points.forEach(function (point) {
      if (fold(point.textContent).indexOf(needle) >= 0) {
        var link = point.querySelector("a.oh-time");
        found.push({ kind: self.root.dataset.labelIndex, href: link.getAttribute("href"), time: link.textContent,
          text: point.querySelector(".oh-point__title").textContent });
      }
    });
    this.lines.forEach(function (li) {
      var text = li.querySelector(".oh-text").textContent;
      var speaker = li.querySelector(".oh-speaker");
      if (fold(text).indexOf(needle) >= 0 || (speaker && fold(speaker.textContent).indexOf(needle) >= 0)) {
        li.classList.add("is-hit");
        var link = li.querySelector("a.oh-time");
        found.push({ kind: self.root.dataset.labelTranscript, href: link.getAttribute("href"), time: link.textContent,
          text: (speaker ? speaker.textContent + "：" : "") + text });
      }
    });
    this.showHits(query, found, false);
  };

  Player.prototype.showHits = function (query, found, clear) {
    var hits = this.hits;
    if (clear) hits.textContent = "";
    var summary = document.createElement("p");
    var words = { q: query.trim(), n: found.length };
    summary.textContent = message(found.length ? this.root.dataset.msgHits
      : this.root.dataset.msgNone, words);
    hits.appendChild(summary);
    if (!found.length) return;
    var list = document.createElement("ol");
    found.slice(0, 200).forEach(function (hit) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.className = "oh-time";
      a.href = hit.href;
      a.textContent = hit.time;
      var kind = document.createElement("span");
      kind.className = "tag";
      kind.textContent = hit.kind;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" " + (hit.text.length > 80 ? hit.text.slice(0, 80) + "…" : hit.text)));
      list.appendChild(li);
    });
    hits.appendChild(list);
  };

  function init() {
    document.querySelectorAll("[data-oh-player]").forEach(function (root) {
      root.ohPlayer = new Player(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
