// A little vanilla JS for the web client: copy buttons, login-code countdowns, Channels watch time.
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

  // Channels: a player reports play, progress and finish, so watch time reaches the creator.
  function reportViews(root) {
    root.querySelectorAll("video[data-views]:not([data-watching])").forEach(function (video) {
      video.setAttribute("data-watching", "");
      var url = video.getAttribute("data-views"), viewId = null, lastSent = 0;
      var token = document.querySelector('meta[name="yuanzi-csrf"]');
      var send = function (event) {
        var body = { event: event, view_id: viewId, position_ms: Math.round(video.currentTime * 1000) };
        return fetch(url, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": token ? token.content : "" },
          body: JSON.stringify(body)
        }).then(function (r) { return r.ok ? r.json() : null; });
      };
      video.addEventListener("play", function () {
        if (viewId !== null) return;
        send("play").then(function (data) { if (data) viewId = data.view_id; });
      });
      video.addEventListener("timeupdate", function () {
        if (viewId === null || Date.now() - lastSent < 2000) return;
        lastSent = Date.now();
        send("progress");
      });
      video.addEventListener("ended", function () {
        if (viewId !== null) send("finish").then(function () { viewId = null; });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { startCountdowns(document); reportViews(document); });
  document.addEventListener("htmx:afterSwap", function (event) { reportViews(event.target); });
  document.addEventListener("htmx:afterSwap", function (event) { startCountdowns(event.target); });
})();
