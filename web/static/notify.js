/* TextBack Box — telling the owner things where they look. Loaded on every page (defer).

   Toasts: flashed messages ([data-toast], macros.flashes) sit at the top of the screen; each gets
   a close button, and "success"/"info" ones fade after TOAST_MS unless hovered or focused.

   Unread replies: on every logged-in page, body[data-unread-url] (/live/unread) is polled every
   UNREAD_MS while the tab is visible. The answer {"unread": N, "newest": {...} | null} sets the
   nav badge ([data-unread-badge]) and the "(N) " in front of the tab title. "newest" comes only
   when N went up since ?known=; then, if the owner switched notifications on, the browser shows
   one ("Urgent reply from …" for a text with an urgent word).

   Notifications switch: button[data-notify-toggle] (Inbox) asks the browser's permission once,
   when pressed; [data-notify-state] says whether they are on. The choice is kept in this
   browser (localStorage "textback-notify").

   Phone numbers: copying a number shown in the shop's style (span.phone[data-e164]) copies its
   E.164 form (+12025550143), which works in any phone or spreadsheet.
*/
(function () {
  "use strict";

  var TOAST_MS = 8000;
  var UNREAD_MS = 5000;
  var NOTIFY_KEY = "textback-notify";

  function setupToasts() {
    var toasts = document.querySelectorAll("[data-toast]");
    Array.prototype.forEach.call(toasts, function (toast) {
      var close = document.createElement("button");
      var held = false;
      close.type = "button";
      close.className = "toast-close";
      close.setAttribute("aria-label", "Dismiss");
      close.setAttribute("data-testid", "toast-close");
      close.addEventListener("click", function () { toast.remove(); });
      toast.appendChild(close);
      toast.addEventListener("mouseenter", function () { held = true; });
      toast.addEventListener("focusin", function () { held = true; });
      var kind = toast.getAttribute("data-toast");
      if (kind !== "success" && kind !== "info") { return; }
      window.setTimeout(function fade() {
        if (held) { return; }
        toast.classList.add("is-leaving");
        window.setTimeout(function () { toast.remove(); }, 400);
      }, TOAST_MS);
    });
  }

  // --- unread replies ----------------------------------------------------------------------

  var bareTitle = null;     // the title without "(N) ": a thread's title may start "(202) 555…"

  function titleWithout(count) {
    var prefix = count ? "(" + count + ") " : "";
    var title = document.title;
    return title.indexOf(prefix) === 0 ? title.slice(prefix.length) : title;
  }

  function showUnread(count) {
    var badges = document.querySelectorAll("[data-unread-badge]");
    for (var i = 0; i < badges.length; i++) {
      badges[i].textContent = count ? String(count) : "";
      badges[i].classList.toggle("hidden", !count);
    }
    document.title = count ? "(" + count + ") " + bareTitle : bareTitle;
    document.body.setAttribute("data-unread", String(count));
  }

  function notificationsOn() {
    try {
      return window.localStorage.getItem(NOTIFY_KEY) === "on" &&
        "Notification" in window && window.Notification.permission === "granted";
    } catch (error) { return false; }
  }

  function notify(newest) {
    if (!newest || !notificationsOn()) { return; }
    var title = (newest.urgent ? "Urgent reply from " : "New reply from ") + newest.from;
    var note = new window.Notification(title, {
      body: newest.text, tag: "textback-" + newest.number, requireInteraction: Boolean(newest.urgent)
    });
    note.onclick = function () { window.focus(); window.location.href = newest.url; };
  }

  function watchUnread(url) {
    var known = parseInt(document.body.getAttribute("data-unread") || "0", 10);
    var busy = false;
    bareTitle = titleWithout(known);

    function poll() {
      if (busy || document.hidden) { return; }
      busy = true;
      fetch(url + "?known=" + known, { credentials: "same-origin",
                                       headers: { "Accept": "application/json" } })
        .then(window.textbackJson)
        .then(function (data) {
          if (data.unread > known) { notify(data.newest); }
          known = data.unread;
          showUnread(known);
        })
        .catch(function () { /* the next poll tries again */ })
        .then(function () { busy = false; });
    }
    var timer = window.setInterval(poll, UNREAD_MS);
    document.addEventListener("textback:logged-out", function () { window.clearInterval(timer); });
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
  }

  // --- the notifications switch ------------------------------------------------------------

  function describe(button, state) {
    var label = document.querySelector("[data-notify-state]");
    var words = {
      on: ["Notifications are on in this browser.", "Turn off notifications"],
      off: ["Get a notification in this browser when a customer replies.", "Notify me of new replies"],
      blocked: ["This browser blocks notifications from the box; allow them in its site settings.",
                "Notify me of new replies"],
      missing: ["This browser can't show notifications.", "Notify me of new replies"]
    }[state];
    if (label) { label.textContent = words[0]; }
    button.textContent = words[1];
    button.setAttribute("aria-pressed", state === "on" ? "true" : "false");
    button.disabled = state === "missing";
  }

  function currentState() {
    if (!("Notification" in window)) { return "missing"; }
    if (window.Notification.permission === "denied") { return "blocked"; }
    return notificationsOn() ? "on" : "off";
  }

  function setupSwitch(button) {
    describe(button, currentState());
    button.addEventListener("click", function () {
      if (currentState() === "on") {
        window.localStorage.setItem(NOTIFY_KEY, "off");
        describe(button, "off");
        return;
      }
      if (!("Notification" in window)) { return; }
      window.localStorage.setItem(NOTIFY_KEY, "on");
      Promise.resolve(window.Notification.requestPermission()).then(function () {
        describe(button, currentState());
      });
    });
  }

  // --- copying a number copies its E.164 form --------------------------------------------

  function numberAround(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest(".phone[data-e164]") : null;
  }

  document.addEventListener("copy", function (event) {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !event.clipboardData) { return; }
    var start = numberAround(selection.anchorNode);
    if (!start || start !== numberAround(selection.focusNode)) { return; }
    event.clipboardData.setData("text/plain", start.getAttribute("data-e164"));
    event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    setupToasts();
    var url = document.body.getAttribute("data-unread-url");
    if (url) { watchUnread(url); }
    var toggles = document.querySelectorAll("[data-notify-toggle]");
    for (var i = 0; i < toggles.length; i++) { setupSwitch(toggles[i]); }
  });
})();
