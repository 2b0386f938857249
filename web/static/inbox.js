/* TextBack Box — the Inbox loads older conversations as the owner scrolls down.

   The list (ul[data-testid=conversation-list]) carries data-next-before: where the next page
   starts. When the "Show more" link (a[data-inbox-more="<url>"]) comes into view, or is clicked,
   the next page is fetched from that url (JSON: {insert: rows html, next_before}) and its rows
   are added. The live refresh of app.js re-renders the list every few seconds; it is told how
   many rows are shown (the limit in data-live-url), so loaded rows stay and a conversation that
   moved to the top is shown once. Without JavaScript the link opens the next page on its own.
   Wired through data- attributes only (the Content-Security-Policy forbids inline scripts).
*/
(function () {
  "use strict";

  function start() {
    var more = document.querySelector("[data-inbox-more]");
    if (!more) { return; }
    var root = more.closest("[data-live-url]");
    var row = more.closest("[data-inbox-more-row]");
    var region = root.querySelector('[data-live-region="inbox"]');
    var loading = false;

    function list() { return region.querySelector('[data-testid="conversation-list"]'); }

    function nextCursor() {
      var ul = list();
      return ul ? ul.getAttribute("data-next-before") || "" : "";
    }

    function showLink() {
      row.classList.toggle("hidden", !nextCursor());
    }

    // The live refresh asks for as many rows as are shown, so it keeps the loaded pages.
    function rememberShown(count) {
      var url = new URL(root.getAttribute("data-live-url"), window.location.href);
      url.searchParams.set("limit", String(count));
      root.setAttribute("data-live-url", url.pathname + url.search);
    }

    function append(ul, html) {
      var holder = document.createElement("ul");
      holder.innerHTML = html;
      while (holder.firstElementChild) {
        var item = holder.firstElementChild;
        var link = item.querySelector("[data-number]");
        var number = link ? link.getAttribute("data-number") : null;
        var shown = number && ul.querySelector('[data-number="' + CSS.escape(number) + '"]');
        if (shown) { holder.removeChild(item); } else { ul.appendChild(item); }
      }
    }

    function inView() {
      var box = more.getBoundingClientRect();
      return !row.classList.contains("hidden") && box.top < window.innerHeight && box.bottom > 0;
    }

    function load() {
      var cursor = nextCursor();
      if (loading || !cursor) { showLink(); return; }
      loading = true;
      more.setAttribute("aria-busy", "true");
      var url = more.getAttribute("data-inbox-more");
      url += (url.indexOf("?") >= 0 ? "&" : "?") + "before=" + encodeURIComponent(cursor);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(window.textbackJson)
        .then(function (data) {
          var ul = list();
          // The live refresh replaced the list meanwhile: the next look starts from its end.
          if (!ul || ul.getAttribute("data-next-before") !== cursor) { return; }
          append(ul, data.insert || "");
          ul.setAttribute("data-next-before", data.next_before || "");
          rememberShown(ul.children.length);
        })
        .catch(function () { /* the link stays; scrolling or a click tries again */ })
        .then(function () {
          loading = false;
          more.removeAttribute("aria-busy");
          showLink();
          if (inView()) { window.setTimeout(load, 0); }   // a tall screen: keep filling it
        });
    }

    more.addEventListener("click", function (event) {
      event.preventDefault();
      load();
    });
    if ("IntersectionObserver" in window) {
      new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) { load(); }
      }, { rootMargin: "200px 0px" }).observe(more);
    }
    new MutationObserver(showLink).observe(region, { childList: true });
    showLink();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
