/* A chat (/chats/{id}) or a customer-service conversation (/kf/{open_kfid}), at the section's
   data-chat-url: send with one client_msg_id per message (a retry is not sent twice), poll the
   changes every two seconds (new messages and recalls, by seq), mark what is shown as read
   (data-readable); in a
   chat (data-chat) also recall your own message within two minutes; in a customer-service
   conversation, tap the corp's menu items. */
(function () {
  "use strict";
  var RECALL_MS = 120000, POLL_MS = 2000;

  function start() {
    var section = document.querySelector("[data-chat-url]");
    if (!section || section.hasAttribute("data-started")) return;
    section.setAttribute("data-started", "");
    var base = section.getAttribute("data-chat-url");
    var isChat = section.hasAttribute("data-chat");  // recalls are a chat's
    var readable = section.hasAttribute("data-readable");  // the screen keeps read marks
    var seq = Number(section.getAttribute("data-seq")) || 0;
    var log = section.querySelector("#chat-log");
    var errorBox = section.querySelector("#chat-error");
    var lastRead = 0;
    // The screen scrolls inside the phone frame on a desktop, the window on a phone: both.
    var toBottom = function () {
      var screen = document.getElementById("screen");
      if (screen) screen.scrollTop = screen.scrollHeight;
      window.scrollTo(0, document.body.scrollHeight);
    };

    var post = function (url, body) { return window.yuanziPost(url, body, errorBox); };
    var recallButton = function (messageId) {
      var button = document.createElement("button");
      button.className = "recall";
      button.type = "button";
      button.setAttribute("data-recall", messageId);
      button.setAttribute("aria-label", "Recall this message");
      button.textContent = "撤回";
      setTimeout(function () { button.remove(); }, RECALL_MS);
      return button;
    };
    // One message on the page, added or replaced in place (a recall replaces it with a notice).
    var show = function (m) {
      var item = log.querySelector("#m" + m.message_id);
      var fresh = !item;
      // Shown already (the send's answer and the poll both bring it): only a recall changes it.
      if (!fresh && (!m.recalled || item.className === "notice")) return m;
      if (fresh) { item = document.createElement("li"); item.id = "m" + m.message_id; }
      item.setAttribute("data-message", m.message_id);
      item.title = m.sent_at;
      item.textContent = "";
      if (m.recalled) {
        item.className = "notice";
        item.textContent = (m.mine ? "你" : m.sender_name) + "撤回了一条消息 recalled a message";
      } else {
        item.className = m.mine ? "bubble mine" : "bubble theirs";
        if (m.html) {
          // A customer-service card or menu, rendered (and escaped) by the server as the page is.
          item.className += " card";
          item.innerHTML = m.html;
        } else {
          var text = document.createElement("span");
          text.className = "text";
          text.textContent = m.text;
          item.appendChild(text);
        }
        if (m.mine && fresh && isChat) item.appendChild(recallButton(m.message_id));
      }
      if (fresh) {
        var hello = log.querySelector("#kf-hello");  // the empty conversation's invitation
        if (hello) hello.remove();
        log.appendChild(item);
        toBottom();
      }
      return m;
    };
    var markRead = function () {
      if (!readable) return;
      var items = log.querySelectorAll("[data-message]");
      if (!items.length) return;
      var last = Number(items[items.length - 1].getAttribute("data-message"));
      if (last <= lastRead) return;
      lastRead = last;
      post(base + "/read", { message_id: last }).catch(function () {});
    };
    var poll = function () {
      fetch(base + "/changes?since=" + seq, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { messages: [] }; })
        .then(function (answer) {
          answer.messages.forEach(function (m) { show(m); seq = Math.max(seq, m.seq); });
          markRead();
        })
        .catch(function () {})
        .then(function () { if (section.isConnected) setTimeout(poll, POLL_MS); });
    };
    var newId = function () {
      var id = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
      return id.replace(/[^A-Za-z0-9_-]/g, "");
    };

    // A page of history (scrolled back, or opened at a searched message): shown where it was
    // asked for, neither followed nor marked read.
    if (section.hasAttribute("data-history")) {
      var asked = location.hash ? document.getElementById(location.hash.slice(1)) : null;
      if (asked) asked.scrollIntoView({ block: "center" });
      return;
    }
    var form = section.querySelector("#chat-send");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = form.querySelector("input[name=text]");
      if (!input.value.trim()) return;
      // The id stays with this text until it is sent: pressing send again retries, never duplicates.
      if (form.getAttribute("data-text") !== input.value) {
        form.setAttribute("data-text", input.value);
        form.setAttribute("data-id", newId());
      }
      post(base + "/messages", { text: input.value, client_msg_id: form.getAttribute("data-id") })
        .then(function (m) { show(m); input.value = ""; form.removeAttribute("data-text"); markRead(); })
        .catch(function () {});
    });
    var picture = section.querySelector("#chat-image");
    if (picture) picture.addEventListener("change", function () {
      if (!picture.files.length) return;
      var form = new FormData();
      form.append("image", picture.files[0]);
      form.append("client_msg_id", newId());
      post(base + "/images", form)
        .then(function (m) { show(m); picture.value = ""; markRead(); })
        .catch(function () {});
    });
    log.addEventListener("click", function (event) {
      var item = event.target.closest("[data-menu-id]");
      if (!item) return;
      // A menu item the corp offered: its text goes back with its id, as WeChat sends it.
      post(base + "/messages", { menu_id: item.getAttribute("data-menu-id"), client_msg_id: newId() })
        .then(function (m) { show(m); markRead(); })
        .catch(function () {});
    });
    log.addEventListener("click", function (event) {
      var button = event.target.closest("[data-recall]");
      if (!button) return;
      post("/chats/messages/" + button.getAttribute("data-recall") + "/recall", {}).then(show).catch(function () {});
    });
    // Open at the latest message, as WeChat does — or at the one a search result points to.
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target) target.scrollIntoView({ block: "center" });
    else toBottom();
    markRead();
    setTimeout(poll, POLL_MS);
  }

  // Loaded by a full page or swapped in by htmx (boosted links): start either way, once.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSwap", start);
})();
