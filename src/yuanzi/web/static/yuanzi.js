// A little vanilla JS for the web client: copy buttons and login-code countdowns.
(function () {
  "use strict";

  // A page rendered by a form POST names the URL it stands for, so reloading it is a GET, not a resubmission.
  var replace = document.querySelector('meta[name="yuanzi-replace-url"]');
  if (replace && window.history.replaceState) window.history.replaceState(null, "", replace.content);

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var text = button.getAttribute("data-copy");
    var done = function () {
      var label = button.innerHTML;
      button.textContent = "已复制 Copied";
      setTimeout(function () { button.innerHTML = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {});
    } else {
      var area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); done(); } catch (e) { /* the code stays selectable */ }
      area.remove();
    }
  });

  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  // Each countdown counts from the moment its code appeared on the page.
  function startCountdowns(root) {
    root.querySelectorAll("[data-countdown]:not([data-started])").forEach(function (el) {
      el.setAttribute("data-started", "");
      var end = Date.now() + parseInt(el.getAttribute("data-countdown"), 10) * 1000;
      var tick = function () {
        var left = Math.max(0, Math.round((end - Date.now()) / 1000));
        el.textContent = left > 0 ? format(left) + " left 剩余" : "expired 已过期";
        if (left > 0 && el.isConnected) setTimeout(tick, 1000);
      };
      tick();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { startCountdowns(document); });
  document.addEventListener("htmx:afterSwap", function (event) { startCountdowns(event.target); });
})();
