/* Classroom mode (exhibits/templates/exhibits/classroom/deck.html): one slide at a time.

   Keys: → ↓ PageDown Space next; ← ↑ PageUp Shift+Space back; Home/End first/last; F full
   screen; Esc closes the QR panel, else leaves for the normal page. A presentation clicker sends
   PageUp/PageDown. A slide taller than the screen scrolls first: the next key moves down it and
   goes on to the next slide only at its bottom. The slide's number is kept in the address
   (#slide-N), so a reload or a shared link opens the same slide. Screen readers hear
   "slide n of N" through a polite status; focus moves to the new slide only when it was in the
   old one (a button keeps it). */
(function () {
    "use strict";

    var deck = document.querySelector("[data-classroom]");
    if (!deck) {
        return;
    }
    var slides = Array.prototype.slice.call(deck.querySelectorAll("[data-slide]"));
    var bar = document.querySelector("[data-classroom-bar]");
    var announce = document.querySelector("[data-announce]");
    var current = document.querySelector("[data-counter-current]");
    var progress = document.querySelector("[data-progress]");
    var qrPanel = document.querySelector("[data-qr-panel]");
    var qrButton = bar.querySelector('[data-action="qr"]');
    var prevButton = bar.querySelector('[data-action="prev"]');
    var nextButton = bar.querySelector('[data-action="next"]');
    var fullButton = bar.querySelector('[data-action="fullscreen"]');
    var exitLink = bar.querySelector('[data-action="exit"]');
    var index = -1;

    function fromHash() {
        var match = /^#slide-(\d+)$/.exec(window.location.hash);
        var number = match ? parseInt(match[1], 10) : 1;
        return Math.min(Math.max(number, 1), slides.length) - 1;
    }

    function label(slide) {
        return slide.getAttribute("aria-label") || "";
    }

    function pauseMedia(slide) {
        Array.prototype.forEach.call(slide.querySelectorAll("audio, video"), function (media) {
            if (!media.paused) {
                media.pause();
            }
        });
    }

    function show(next, options) {
        next = Math.min(Math.max(next, 0), slides.length - 1);
        if (next === index) {
            return;
        }
        var old = index >= 0 ? slides[index] : null;
        var focusWasInSlide = old !== null && (old.contains(document.activeElement) || document.activeElement === document.body);
        if (old) {
            pauseMedia(old);
            old.hidden = true;
        }
        index = next;
        var slide = slides[index];
        slide.hidden = false;
        var body = slide.querySelector("[data-slide-body]");
        if (body) {
            body.scrollTop = 0;
        }
        current.textContent = String(index + 1);
        progress.style.width = ((index + 1) / slides.length * 100) + "%";
        prevButton.setAttribute("aria-disabled", index === 0 ? "true" : "false");
        nextButton.setAttribute("aria-disabled", index === slides.length - 1 ? "true" : "false");
        if (options && options.initial) {
            return;
        }
        if (window.history.replaceState) {
            window.history.replaceState(null, "", "#slide-" + (index + 1));
        }
        if (focusWasInSlide) {
            slide.focus({preventScroll: true});
        }
        announce.textContent = label(slide);
    }

    // How far the slide's own scroll box can still move that way (0 when it fits the screen).
    function room(direction) {
        var body = slides[index].querySelector("[data-slide-body]");
        if (!body) {
            return 0;
        }
        if (direction > 0) {
            return body.scrollHeight - body.clientHeight - body.scrollTop;
        }
        return body.scrollTop;
    }

    function step(direction, amount) {
        if (room(direction) > 2) {
            var body = slides[index].querySelector("[data-slide-body]");
            var distance = amount === "line" ? 64 : body.clientHeight * 0.85;
            body.scrollBy({top: direction * distance, behavior: "auto"});
            return;
        }
        show(index + direction);
    }

    function toggleQr(open) {
        var opened = open === undefined ? qrPanel.hidden : open;
        qrPanel.hidden = !opened;
        qrButton.setAttribute("aria-expanded", opened ? "true" : "false");
        if (opened) {
            qrPanel.setAttribute("tabindex", "-1");
            qrPanel.focus();
        }
    }

    function toggleFullscreen() {
        if (document.fullscreenElement) {
            document.exitFullscreen();
        } else if (document.documentElement.requestFullscreen) {
            document.documentElement.requestFullscreen().catch(function () {});
        }
    }

    function leave() {
        window.location.href = exitLink.href;
    }

    function isTyping(target) {
        if (!target || !target.closest) {
            return false;
        }
        return Boolean(target.closest("input, textarea, select, [contenteditable], audio, video"));
    }

    function onKey(event) {
        if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }
        var target = event.target;
        var onControl = target && target.closest && target.closest("button, a, summary");
        var key = event.key;
        if (key === "Escape") {
            event.preventDefault();
            if (!qrPanel.hidden) {
                toggleQr(false);
                qrButton.focus();
            } else if (!document.fullscreenElement) {
                leave();
            }
            return;
        }
        if (isTyping(target)) {
            return;  // media controls and form fields keep their own keys
        }
        var handled = true;
        if (key === "ArrowRight") {
            show(index + 1);
        } else if (key === "ArrowLeft") {
            show(index - 1);
        } else if (key === "PageDown") {
            step(1, "page");
        } else if (key === "PageUp") {
            step(-1, "page");
        } else if (key === "ArrowDown") {
            step(1, "line");
        } else if (key === "ArrowUp") {
            step(-1, "line");
        } else if (key === " " && !onControl) {
            step(event.shiftKey ? -1 : 1, "page");
        } else if (key === "Home") {
            show(0);
        } else if (key === "End") {
            show(slides.length - 1);
        } else if ((key === "f" || key === "F") && !event.shiftKey) {
            toggleFullscreen();
        } else {
            handled = false;
        }
        if (handled) {
            event.preventDefault();
        }
    }

    // A swipe on a touch screen (a tablet at the front of the class) moves like the arrows.
    var touchStart = null;
    deck.addEventListener("pointerdown", function (event) {
        touchStart = event.pointerType === "touch" ? {x: event.clientX, y: event.clientY} : null;
    });
    deck.addEventListener("pointerup", function (event) {
        if (!touchStart) {
            return;
        }
        var dx = event.clientX - touchStart.x;
        var dy = event.clientY - touchStart.y;
        touchStart = null;
        if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) {
            show(index + (dx < 0 ? 1 : -1));
        }
    });

    prevButton.addEventListener("click", function () {
        show(index - 1);
    });
    nextButton.addEventListener("click", function () {
        show(index + 1);
    });
    qrButton.addEventListener("click", function () {
        toggleQr();
    });
    if (document.fullscreenEnabled) {
        fullButton.hidden = false;
        fullButton.addEventListener("click", toggleFullscreen);
    }
    document.addEventListener("keydown", onKey);
    window.addEventListener("hashchange", function () {
        show(fromHash());
    });

    slides.forEach(function (slide) {
        slide.hidden = true;
    });
    document.documentElement.classList.add("classroom-root--enhanced");
    bar.hidden = false;
    show(fromHash(), {initial: true});
    slides[index].focus({preventScroll: true});
    if (window.performance && window.performance.mark) {
        window.performance.mark("classroom:first-slide");
    }
    deck.setAttribute("data-ready", "true");
}());
