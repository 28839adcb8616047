/* Progress bars of long admin jobs (media_pipeline/jobs.py).
 *
 * Every element with data-job-url polls that URL every 1.5 s while the job runs (one marked
 * data-job-start="submit" only once its form is submitted; until the request it sends has
 * started the job, the endpoint answers "pending" and the bar asks again), moves its <progress> and
 * count, and once the job has finished shows the job's message as a Wagtail admin message (the
 * w-messages controller of the admin's base template) if the answer says it is the first to
 * tell the job's owner. On a page with the
 * Item's files section, each file's name, thumbnail and step states are read again from the page
 * whenever the job moves, leaving the order and label inputs (perhaps being typed in) alone.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 1500;

  function announce(text, failed) {
    document.dispatchEvent(
      new CustomEvent("w-messages:add", {
        detail: { clear: false, text: text, type: failed ? "error" : "success" },
      }),
    );
  }

  function refreshFiles() {
    if (!document.querySelector("tr.item-file[data-file]")) {
      return;
    }
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        fresh.querySelectorAll("tr.item-file[data-file]").forEach(function (row) {
          var current = document.querySelector(
            'tr.item-file[data-file="' + row.dataset.file + '"]',
          );
          if (!current) {
            return;
          }
          current.className = row.className;
          [".item-file__file", ".item-file__steps"].forEach(function (selector) {
            var mine = current.querySelector(selector);
            var theirs = row.querySelector(selector);
            if (mine && theirs) {
              mine.replaceWith(document.importNode(theirs, true));
            }
          });
        });
      })
      .catch(function () {});
  }

  function draw(element, job) {
    var bar = element.querySelector("[data-job-bar]");
    var count = element.querySelector("[data-job-count]");
    var message = element.querySelector("[data-job-message]");
    element.querySelector("[data-job-label]").textContent = job.label;
    bar.value = job.percent;
    bar.textContent = job.percent + "%";
    var stage = job.finished ? job.state_label : job.phase;
    count.textContent = job.done + " / " + job.total + (stage ? " · " + stage : "");
    element.dataset.jobState = job.state;
    if (job.finished) {
      message.textContent = job.message;
    }
  }

  function follow(element) {
    var url = element.dataset.jobUrl;
    var lastDone = null;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (job) {
          if (job.state === "pending") {
            window.setTimeout(poll, INTERVAL_MS);
            return;
          }
          draw(element, job);
          if (lastDone !== null && (job.done !== lastDone || job.finished)) {
            refreshFiles();
          }
          lastDone = job.done;
          if (!job.finished) {
            window.setTimeout(poll, INTERVAL_MS);
          } else if (job.announce) {
            // The first answer to tell the owner of the end: shown once, here or (when no bar
            // was watching) as a message on their next admin page.
            announce(job.message, job.state === "failed");
          }
        })
        .catch(function () {
          window.setTimeout(poll, INTERVAL_MS * 2);
        });
    }
    poll();
  }

  function start() {
    document.querySelectorAll("[data-job-url]").forEach(function (element) {
      var form = element.closest("form");
      if (element.dataset.jobStart === "submit" && form) {
        form.addEventListener("submit", function (event) {
          // A button marked data-job-skip (a batch's "Preview") starts no job.
          if (event.submitter && event.submitter.hasAttribute("data-job-skip")) {
            return;
          }
          element.hidden = false;
          follow(element);
        });
      } else {
        follow(element);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
