// Counts this page view once: the page's signed token, a one-time number (so a resent beacon is
// not counted twice) and the referring address, posted to this site without cookies.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.count || !window.fetch || !window.crypto) {
    return;
  }
  function send() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var nonce = Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
    var body = new URLSearchParams();
    body.set("t", script.dataset.count);
    body.set("n", nonce);
    body.set("r", document.referrer || "");
    window
      .fetch(script.dataset.url, {
        method: "POST",
        body: body,
        credentials: "omit",
        keepalive: true,
        cache: "no-store",
      })
      .catch(function () {});
  }
  // A page the browser prerenders is counted when it is shown, not before.
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
