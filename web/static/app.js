/* TextBack Box — the page's small amount of JavaScript. Plain JS, no framework, no build step.
   Loaded on every page (defer). Everything is wired through data- attributes, because the
   Content-Security-Policy forbids inline scripts and on*="" handlers.

   Live updates: an element with data-live-url="/live/..." is polled every data-live-interval ms
   (default 3000) while the tab is visible. The JSON answer may contain:
     regions: {name: html}   replaces the inner HTML of [data-live-region=name] (server-rendered,
                             already escaped by Jinja) when it changed
     text:    {name: text}   sets textContent of [data-live-text=name]
     insert:  html           new items for the [data-live-list] inside the element; items whose
                             data-live-id is already on the page are skipped; data-live-insert on
                             the list says "top" (default) or "bottom"
     latest:  id             remembered as data-after and sent back as ?after=<id>
     slots:   {id: html}     replaces [data-live-id=id] [data-live-slot] (e.g. a delivery status)
   [data-live-state] inside the element shows whether updates are arriving.
   A 401 (logged out, e.g. the password was changed elsewhere) stops the updates and shows
   "Logged out — log in again" at the top of the page; nothing typed on the page is lost.
   Other scripts read their JSON answers through window.textbackJson(response), which reports a
   401 (or a redirect to the login page) the same way: the "textback:logged-out" event.

   Threads: a [data-live-list][data-newest-end="#marker"][data-newest-above="#sticky"] opens
   scrolled to its newest item (unless the address names another #anchor), with the element
   before #marker (the sticky reply box) in its place below it; items that arrive while the
   newest one is in view are scrolled into view too, never left under the sticky box.

   Other hooks:
     button[data-fill-target="#id"][data-fill-text="..."]  puts the text into that textarea (quick replies)
     form[data-confirm="question"]                       asks before submitting
     select[data-autosubmit], input[data-autosubmit]     submits its form on change
     textarea[data-count="#id"]                          shows characters and texts (SMS parts) in #id
*/
(function () {
  "use strict";

  var GSM7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM7_EXT = "^{}\\[~]|€\f";

  function smsParts(text) {
    var units = 0, ucs2 = false, i, ch;
    for (i = 0; i < text.length; i++) {
      ch = text.charAt(i);
      if (GSM7.indexOf(ch) >= 0) { units += 1; }
      else if (GSM7_EXT.indexOf(ch) >= 0) { units += 2; }
      else { ucs2 = true; break; }
    }
    if (ucs2) {
      units = text.length;  // UTF-16 code units, as UCS-2 counts them
      return { chars: text.length, parts: units <= 70 ? 1 : Math.ceil(units / 67), ucs2: true };
    }
    return { chars: text.length, parts: units <= 160 ? 1 : Math.ceil(units / 153), ucs2: false };
  }

  function withAfter(url, after) {
    if (!after) { return url; }
    return url + (url.indexOf("?") >= 0 ? "&" : "?") + "after=" + encodeURIComponent(after);
  }

  // Compare with the HTML the server sent last time, not with innerHTML (the browser re-serialises
  // it differently), so an unchanged region is left alone: no flicker, focus and hover are kept.
  function replaceHtml(node, html) {
    if (node.liveHtml === html) { return; }
    if (node.liveHtml === undefined && node.innerHTML === html) { node.liveHtml = html; return; }
    node.innerHTML = html;
    node.liveHtml = html;
  }

  // The phone's tab bar is fixed over the bottom of the screen; the desktop nav is not.
  function bottomCover() {
    var nav = document.querySelector(".nav");
    if (!nav || window.getComputedStyle(nav).position !== "fixed") { return 0; }
    return nav.getBoundingClientRect().height;
  }

  function newestInView(list) {
    var last = list.lastElementChild;
    var cover = document.querySelector(list.getAttribute("data-newest-above"));
    if (!last) { return true; }
    var limit = cover ? cover.getBoundingClientRect().top : window.innerHeight - bottomCover();
    var box = last.getBoundingClientRect();
    return box.bottom >= 0 && box.bottom <= limit + 2;
  }

  // Scroll so the reply box sits in its own place at the bottom of the screen, right under the
  // newest item; if the screen is too short for both, the top of the newest item wins.
  function showNewest(list) {
    var last = list.lastElementChild;
    var end = document.querySelector(list.getAttribute("data-newest-end"));
    if (!last || !end) { return; }
    var y = window.scrollY;
    var endAt = end.getBoundingClientRect().top + y - (window.innerHeight - bottomCover());
    var lastAt = last.getBoundingClientRect().top + y - 12;
    window.scrollTo(0, Math.max(0, Math.min(endAt, lastAt)));
  }

  function applyLive(root, data) {
    var name, nodes, i, list, tmp, child, next, id, existing, slot, nearBottom, keepNewest;
    if (data.regions) {
      for (name in data.regions) {
        nodes = document.querySelectorAll('[data-live-region="' + name + '"]');
        for (i = 0; i < nodes.length; i++) { replaceHtml(nodes[i], data.regions[name]); }
      }
    }
    if (data.text) {
      for (name in data.text) {
        nodes = document.querySelectorAll('[data-live-text="' + name + '"]');
        for (i = 0; i < nodes.length; i++) { nodes[i].textContent = data.text[name]; }
      }
    }
    list = root.hasAttribute("data-live-list") ? root : root.querySelector("[data-live-list]");
    if (data.insert && list) {
      nearBottom = (window.innerHeight + window.scrollY) >= document.body.scrollHeight - 120;
      keepNewest = list.hasAttribute("data-newest-end") && newestInView(list);
      tmp = document.createElement(list.tagName === "TBODY" ? "tbody" : "div");
      tmp.innerHTML = data.insert;
      var fresh = [];
      for (child = tmp.firstElementChild; child; child = next) {
        next = child.nextElementSibling;
        id = child.getAttribute("data-live-id");
        existing = id ? list.querySelector('[data-live-id="' + id + '"]') : null;
        if (!existing) { fresh.push(child); }
      }
      if (list.getAttribute("data-live-insert") === "bottom") {
        for (i = 0; i < fresh.length; i++) { list.appendChild(fresh[i]); }
        if (fresh.length && list.hasAttribute("data-newest-end")) {
          if (keepNewest) { showNewest(list); }
        } else if (fresh.length && nearBottom) {
          window.scrollTo(0, document.body.scrollHeight);
        }
      } else {
        for (i = fresh.length - 1; i >= 0; i--) { list.insertBefore(fresh[i], list.firstChild); }
      }
      if (fresh.length) {
        nodes = root.querySelectorAll("[data-live-empty]");
        for (i = 0; i < nodes.length; i++) { nodes[i].classList.add("hidden"); }
      }
    }
    if (data.slots) {
      for (id in data.slots) {
        slot = document.querySelector('[data-live-id="' + id + '"] [data-live-slot]');
        if (slot) { replaceHtml(slot, data.slots[id]); }
      }
    }
    if (data.latest) { root.setAttribute("data-after", data.latest); }
  }

  function setState(root, text, ok) {
    var el = root.querySelector("[data-live-state]");
    if (el) {
      el.textContent = text;
      el.className = "pill " + (ok ? "pill-ok" : "pill-warn");
    }
  }

  var loggedOut = false;

  // Logged out while the page was open (password changed elsewhere, session ended): say so
  // once, at the top, with a link back here after logging in. Built with textContent only.
  function showLoggedOut() {
    if (loggedOut) { return; }
    loggedOut = true;
    var note = document.createElement("div");
    var link = document.createElement("a");
    note.className = "logged-out";
    note.setAttribute("role", "alert");
    note.setAttribute("data-testid", "logged-out");
    note.appendChild(document.createTextNode("Logged out — "));
    link.href = "/login?next=" + encodeURIComponent(window.location.pathname + window.location.search);
    link.textContent = "log in again";
    note.appendChild(link);
    document.body.insertBefore(note, document.body.firstChild);
    var states = document.querySelectorAll("[data-live-state]");
    for (var i = 0; i < states.length; i++) {
      states[i].textContent = "Logged out";
      states[i].className = "pill pill-warn";
    }
  }

  document.addEventListener("textback:logged-out", showLoggedOut);

  // Every script's fetch answer: JSON, or "logged out" told to the page, or an error.
  window.textbackJson = function (response) {
    if (response.status === 401 || response.redirected) {
      document.dispatchEvent(new Event("textback:logged-out"));
      throw new Error("logged out");
    }
    if (!response.ok) { throw new Error("HTTP " + response.status); }
    return response.json();
  };

  function startLive(root) {
    var interval = parseInt(root.getAttribute("data-live-interval") || "3000", 10);
    var failures = 0;
    var busy = false;

    function poll() {
      if (loggedOut) { return; }      // no more requests until the owner logs in again
      if (busy || document.hidden) { return schedule(); }
      busy = true;
      var url = withAfter(root.getAttribute("data-live-url"), root.getAttribute("data-after"));
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(window.textbackJson)
        .then(function (data) {
          failures = 0;
          applyLive(root, data);
          setState(root, "Live", true);
        })
        .catch(function () {
          failures += 1;
          if (!loggedOut) { setState(root, "Not updating — retrying", false); }
        })
        .then(function () { busy = false; schedule(); });
    }

    function schedule() {
      // Back off gently while the box is unreachable, so a closed laptop lid doesn't hammer it.
      var wait = interval * Math.min(1 + failures, 10);
      window.setTimeout(poll, wait);
    }

    document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
    schedule();
  }

  function updateCounter(area) {
    var out = document.querySelector(area.getAttribute("data-count"));
    if (!out) { return; }
    var info = smsParts(area.value);
    out.textContent = info.chars + " characters · " + info.parts + (info.parts === 1 ? " text" : " texts") +
      (info.ucs2 ? " (special characters make each text shorter)" : "");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fill-target]");
    if (!button) { return; }
    event.preventDefault();
    var target = document.querySelector(button.getAttribute("data-fill-target"));
    if (!target) { return; }
    target.value = button.getAttribute("data-fill-text") || "";
    target.focus();
    if (target.hasAttribute("data-count")) { updateCounter(target); }
  });

  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute("data-autosubmit") && event.target.form) {
      event.target.form.requestSubmit ? event.target.form.requestSubmit() : event.target.form.submit();
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute("data-count")) { updateCounter(event.target); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var roots = document.querySelectorAll("[data-live-url]");
    for (var i = 0; i < roots.length; i++) { startLive(roots[i]); }
    var counted = document.querySelectorAll("textarea[data-count]");
    for (var j = 0; j < counted.length; j++) { updateCounter(counted[j]); }
    openAtNewest();
  });

  // Again once everything has loaded: the browser's own jump to an #anchor comes late.
  window.addEventListener("load", openAtNewest);

  function openAtNewest() {
    var threads = document.querySelectorAll("[data-newest-end]");
    var hash = window.location.hash;
    for (var k = 0; k < threads.length; k++) {
      if (!hash || hash === threads[k].getAttribute("data-newest-above")) { showNewest(threads[k]); }
    }
  }
})();
