/* A thread is marked read by the page, not by opening it (a GET never changes anything).
   [data-mark-read="url"] on the thread's live section: once its texts are on screen, and again
   whenever a newer one arrives (app.js moves data-after to the newest text's id), the script
   POSTs seen=<that id> (CSRF token in X-CSRFToken). Only while the tab is visible: a text
   arriving in a hidden tab stays unread. The answer's unread total updates the nav badge. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function showUnread(text) {
    var nodes = document.querySelectorAll('[data-live-text="unread"]');
    for (var i = 0; i < nodes.length; i++) {
      nodes[i].textContent = text;
      nodes[i].classList.toggle("hidden", !text);
    }
  }

  function watch(section) {
    var url = section.getAttribute("data-mark-read");
    var posted = section.hasAttribute("data-unread") ? null : section.getAttribute("data-after");

    function markRead() {
      var seen = section.getAttribute("data-after");
      if (!seen || seen === posted || document.hidden) { return; }
      posted = seen;
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/json", "X-CSRFToken": csrfToken() },
        body: "seen=" + encodeURIComponent(seen)
      }).then(function (response) {
        if (response.status === 401) {
          document.dispatchEvent(new Event("textback:logged-out"));
          throw new Error("logged out");
        }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      }).then(function (answer) {
        section.setAttribute("data-read", answer.marked ? seen : "");
        showUnread(answer.text);
      }).catch(function () { posted = null; });   // tried again with the next change
    }

    new MutationObserver(markRead).observe(section, { attributes: true,
                                                      attributeFilter: ["data-after"] });
    document.addEventListener("visibilitychange", markRead);
    markRead();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sections = document.querySelectorAll("[data-mark-read]");
    for (var i = 0; i < sections.length; i++) { watch(sections[i]); }
  });
})();
