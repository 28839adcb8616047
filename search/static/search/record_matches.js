// The record page opened from a search result ("N matches in this record", ?q=…): list every
// match of the query in this record, each opening the viewer at its page or the player at its
// moment. The section is in the page only when the search app is installed and q is given.
(function () {
  "use strict";
  var section = document.getElementById("search-matches");
  if (!section) return;
  var status = section.querySelector(".search-matches__status");
  var list = section.querySelector(".search-matches__list");
  var q = section.getAttribute("data-q");
  var url = section.getAttribute("data-endpoint") + "?" + new URLSearchParams({
    record: section.getAttribute("data-record"),
    q: q,
  }).toString();

  function keepQuery(href) {
    // Following a match keeps the list: the query travels with the deep link.
    var link = new URL(href, window.location.href);
    link.searchParams.set("q", q);
    return link.pathname + link.search + "#search-matches";
  }

  function say(template, n) {
    status.textContent = template.replace("__N__", String(n));
  }

  fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(function (data) {
      var through = section.querySelector(".search-matches__through");
      if (through && data.through_record) {
        // The result counted these too: say so, so its "N matches" adds up here.
        through.textContent = section
          .getAttribute("data-through")
          .replace("__N__", String(data.through_record));
        through.hidden = false;
      }
      if (!data.matches.length) {
        say(section.getAttribute("data-none"), 0);
        return;
      }
      say(section.getAttribute("data-found"), data.total);
      data.matches.forEach(function (match) {
        (match.fields.length ? match.fields : [{ label: "", snippet: match.snippet }]).forEach(
          function (field) {
            var item = document.createElement("li");
            var link = document.createElement("a");
            link.href = keepQuery(match.url);
            link.className = "search-matches__where";
            link.textContent = field.label || match.title || "";
            var text = document.createElement("span");
            text.className = "search-matches__snippet";
            // The snippet is HTML the server escaped, with <mark> around the matches.
            text.innerHTML = field.snippet;
            item.appendChild(link);
            item.appendChild(document.createTextNode(" "));
            item.appendChild(text);
            list.appendChild(item);
          }
        );
      });
    })
    .catch(function () {
      say(section.getAttribute("data-failed"), 0);
    });
})();
