// A little vanilla JS for the web client: copy buttons, login-code countdowns, Channels watch time,
// live rooms.
(function () {
  "use strict";

  // POST JSON with the page's CSRF token (the screens' fetch endpoints). The promise rejects with
  // the server's error, which `errorBox` (when given) shows until the next success. chat.js uses it too.
  window.yuanziPost = function (url, body, errorBox) {
    var token = document.querySelector('meta[name="yuanzi-csrf"]');
    var form = body instanceof FormData;  // an upload goes as multipart, the rest as JSON
    var headers = { "X-CSRF-Token": token ? token.content : "" };
    if (!form) headers["Content-Type"] = "application/json";
    return fetch(url, {
      method: "POST", credentials: "same-origin", headers: headers,
      body: form ? body : JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) throw new Error(answer.error || "failed");
        if (errorBox) errorBox.hidden = true;
        return answer;
      });
    }).catch(function (error) {
      if (errorBox) { errorBox.textContent = error.message; errorBox.hidden = false; }
      throw error;
    });
  };

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
      var send = function (event) {
        var body = { event: event, view_id: viewId, position_ms: Math.round(video.currentTime * 1000) };
        return window.yuanziPost(url, body).catch(function () { return null; });
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

  // Live video: the room's HLS through hls.js (or the browser's own HLS); until the stream
  // arrives the note says so and the playlist is asked for again every few seconds.
  function liveVideo(section, roomId) {
    var player = section.querySelector("#live-video");
    var note = section.querySelector("#live-video-note");
    if (!player) return;
    var src = "/api/live/rooms/" + roomId + "/hls/index.m3u8";
    var attach = function () {
      if (!section.isConnected) return;
      fetch(src, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) {
          if (section.getAttribute("data-state") === "ended") note.textContent = "没有回放 No replay";
          else setTimeout(attach, 3000);
          return;
        }
        if (window.Hls && window.Hls.isSupported()) {
          var hls = new window.Hls();
          hls.loadSource(src);
          hls.attachMedia(player);
          section.hls = hls;
        } else if (player.canPlayType("application/vnd.apple.mpegurl")) {
          player.src = src;
        } else {
          note.textContent = "此浏览器不能播放 This browser cannot play HLS";
          return;
        }
        note.hidden = true;
        player.hidden = false;
        var playing = player.play();
        if (playing) playing.catch(function () {});  // autoplay refused: the controls are there
      });
    };
    attach();
  }

  // Live: the room's frames over its WebSocket; after a drop, reconnect and resume after the last
  // sequence number shown, so nothing is missed or shown twice.
  function liveRoom(root) {
    var section = root.querySelector("[data-live-room]");
    if (!section || section.hasAttribute("data-connected")) return;
    section.setAttribute("data-connected", "");
    var roomId = section.getAttribute("data-live-room");
    liveVideo(section, roomId);
    var stream = section.querySelector("#live-stream");
    var errorBox = section.querySelector("#live-error");
    var lastSeq = 0, delay = 500;
    // The pinned product's card follows the room's `product` entries.
    var showProduct = function (pinned) {
      var card = section.querySelector("#live-product");
      if (!card) return;
      card.hidden = !pinned;
      card.setAttribute("data-product", pinned ? pinned.product_id : "");
      if (!pinned) return;
      section.querySelector("#live-product-title").textContent = pinned.title;
      section.querySelector("#live-product-price").textContent = (pinned.price / 100).toFixed(2);
    };
    // The room starts or ends while the page is open: the badge, the controls and the video follow.
    var changeState = function (state) {
      if (section.getAttribute("data-state") === state) return;
      section.setAttribute("data-state", state);
      var badge = section.querySelector("#live-state");
      if (badge) badge.textContent = state === "live" ? "直播中 Live" : "已结束 Ended";
      var controls = section.querySelector("#live-controls");
      if (controls) controls.hidden = state !== "live";
      var note = section.querySelector("#live-video-note");
      if (note && !note.hidden && state === "live") note.textContent = "等待主播推流 Waiting for the stream";
    };
    var line = function (event) {
      var item = document.createElement("li");
      item.setAttribute("data-seq", event.seq);
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = (event.body && event.body.nickname) || "";
      var what = document.createElement("span");
      if (event.kind === "comment") what.textContent = event.body.text;
      else if (event.kind === "gift") { what.className = "gift"; what.textContent = "送出 " + event.body.name + " ×" + event.body.count; }
      else if (event.kind === "enter") what.textContent = "来了 joined";
      else if (event.kind === "purchase") { what.className = "gift"; what.textContent = "买了 " + event.body.title; }
      else if (event.kind === "product") { what.className = "announcement"; what.textContent = event.body.pinned ? "上架 " + event.body.pinned.title : "商品已取消置顶"; showProduct(event.body.pinned); }
      else { what.className = "announcement"; what.textContent = (event.body && event.body.text) || event.kind; }
      if (event.body && event.body.state) changeState(event.body.state);
      item.appendChild(who);
      item.appendChild(what);
      stream.appendChild(item);
      stream.scrollTop = stream.scrollHeight;
    };
    var connect = function () {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + location.host + "/api/live/rooms/" + roomId + "/ws?after=" + lastSeq);
      section.liveSocket = socket;
      socket.onmessage = function (message) {
        delay = 500;
        var frame = JSON.parse(message.data);
        frame.events.forEach(function (event) {
          if (event.seq > lastSeq) { lastSeq = event.seq; line(event); }
        });
        if (typeof frame.likes === "number") {
          var likes = section.querySelector("#live-likes");
          if (likes) likes.textContent = Math.max(Number(likes.textContent) || 0, frame.likes);
          var viewers = section.querySelector("#live-viewers");
          if (viewers) viewers.textContent = frame.viewers;
        }
      };
      socket.onclose = function (closed) {
        if (closed.code === 4404 || closed.code === 4410 || !section.isConnected) return;
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 10000);
      };
    };
    connect();
    // A refusal is shown in the error box and resolves to nothing, so callers go on.
    var send = function (path, body) {
      return window.yuanziPost("/live/" + roomId + path, body, errorBox).catch(function () {});
    };
    var form = section.querySelector("#live-comment");
    if (form) form.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = form.querySelector("input[name=text]");
      send("/comments", { text: input.value }).then(function () { input.value = ""; });
    });
    // Likes: taps are counted here and sent in one request at most every half second.
    var likeButton = section.querySelector("#live-like");
    var taps = 0;
    var flushTaps = function () {
      var count = Math.min(taps, 99);
      taps -= count;
      if (count > 0) send("/likes", { count: count });
      if (taps > 0) setTimeout(flushTaps, 500);
    };
    if (likeButton) likeButton.addEventListener("click", function () {
      var likes = section.querySelector("#live-likes");
      if (likes) likes.textContent = (Number(likes.textContent) || 0) + 1;
      if (taps++ === 0) setTimeout(flushTaps, 500);
    });
    var buyButton = section.querySelector("#live-buy");
    if (buyButton) buyButton.addEventListener("click", function () {
      var productId = section.querySelector("#live-product").getAttribute("data-product");
      if (!productId) return;
      send("/products/" + productId + "/buy", {}).then(function (answer) {
        if (answer && answer.pay_url) location.href = answer.pay_url;  // the payment sheet
      });
    });
    section.querySelectorAll("[data-pin]").forEach(function (button) {
      button.addEventListener("click", function () { send("/pinned/" + button.getAttribute("data-pin"), {}); });
    });
    section.querySelectorAll("[data-gift]").forEach(function (button) {
      button.addEventListener("click", function () {
        var id = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
        send("/gifts", { gift: button.getAttribute("data-gift"), count: 1, request_id: id.replace(/[^A-Za-z0-9_-]/g, "") });
      });
    });
  }

  // The Chats tab's red badge: messages from others not read yet, on every screen with the tab bar.
  function chatsBadge() {
    var badge = document.getElementById("chats-badge");
    if (!badge) return;
    fetch("/chats/unread", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { unread: 0 }; })
      .then(function (answer) {
        badge.textContent = answer.unread > 99 ? "99+" : String(answer.unread);
        badge.hidden = !answer.unread;
      })
      .catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", function () { startCountdowns(document); reportViews(document); liveRoom(document); chatsBadge(); });
  // A boosted page brings a new tab bar: count again. Other swaps (suggestions, codes) do not.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.querySelector && event.target.querySelector("#chats-badge")) chatsBadge();
  });
  document.addEventListener("htmx:afterSwap", function (event) { reportViews(event.target); });
  document.addEventListener("htmx:afterSwap", function (event) { startCountdowns(event.target); });
})();
