/* TextBack Box — nothing the owner typed is lost. Loaded on every page (defer).

   Reply drafts: textarea[data-draft-key] (the thread's reply box) is copied to this browser's
   localStorage as the owner types. If the session ends meanwhile (password changed elsewhere,
   cookie gone), pressing Send goes through logging in and back to the thread (the server sends a
   logged-out form to /login?next=<the page>), where the draft is put back, ready to send. A
   draft is dropped once the thread shows it sent: its newest text from the box (the element
   named by data-draft-sent, e.g. "[data-direction=out] [data-testid=bubble-text]") is the draft.
   [data-draft-note] says when a kept draft was put back. Drafts older than KEEP_DAYS are dropped.

   Unsaved edits: form[data-unsaved-form] (the Messages page) compares every
   textarea[data-saved] with what it holds. While any differs, [data-unsaved-bar] shows how many
   (with its Save-all button, [data-unsaved-count] the words), and leaving the page by anything but
   this form's own Save asks first (the browser's "Leave site?" question).
*/
(function () {
  "use strict";

  var PREFIX = "textback-draft:";

  function store() {
    try { return window.localStorage; } catch (error) { return null; }
  }

  function sentLast(area) {
    var selector = area.getAttribute("data-draft-sent");
    var sent = selector ? document.querySelectorAll(selector) : [];
    return sent.length ? sent[sent.length - 1].textContent.trim() : null;
  }

  var KEEP_DAYS = 14;     // a draft older than this is dropped: the moment for it has passed

  function readDraft(storage, key) {
    var kept = null;
    try { kept = JSON.parse(storage.getItem(key) || "null"); } catch (error) { kept = null; }
    if (!kept || typeof kept.text !== "string") { return null; }
    if (Date.now() - (kept.at || 0) > KEEP_DAYS * 864e5) { storage.removeItem(key); return null; }
    return kept.text;
  }

  function keepDraft(area) {
    var storage = store();
    var key = PREFIX + area.getAttribute("data-draft-key");
    if (!storage) { return; }
    var kept = readDraft(storage, key);
    if (kept !== null && kept.trim() === sentLast(area)) {
      storage.removeItem(key);          // it went out: nothing to keep any more
      kept = null;
    }
    if (kept && !area.value.trim()) {
      area.value = kept;
      area.dispatchEvent(new Event("input", { bubbles: true }));   // counters follow
      var note = document.querySelector("[data-draft-note]");
      if (note) { note.classList.remove("hidden"); }
    }
    area.addEventListener("input", function () {
      if (area.value.trim()) {
        storage.setItem(key, JSON.stringify({ text: area.value, at: Date.now() }));
      } else {
        storage.removeItem(key);
      }
    });
  }

  function unsavedCount(form) {
    var areas = form.querySelectorAll("textarea[data-saved]");
    var names = [];
    for (var i = 0; i < areas.length; i++) {
      if (areas[i].value !== areas[i].getAttribute("data-saved")) {
        names.push(areas[i].getAttribute("data-unsaved-label") || areas[i].name);
      }
    }
    return names;
  }

  function watchUnsaved(form) {
    var leavingBySave = false;
    var bar = form.querySelector("[data-unsaved-bar]");
    var words = form.querySelector("[data-unsaved-count]");
    var what = form.getAttribute("data-unsaved-what") || "change";

    function show() {
      var names = unsavedCount(form);
      if (bar) { bar.classList.toggle("hidden", names.length === 0); }
      if (words) {
        words.textContent = names.length === 1
          ? "1 " + what + " not saved: " + names[0]
          : names.length + " " + what + "s not saved: " + names.join(", ");
      }
    }
    form.addEventListener("input", show);
    form.addEventListener("click", show);      // "Use plain punctuation" changes a text too
    form.addEventListener("submit", function () { leavingBySave = true; });
    window.addEventListener("beforeunload", function (event) {
      if (leavingBySave || unsavedCount(form).length === 0) { return undefined; }
      event.preventDefault();
      event.returnValue = "";
      return "";
    });
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var drafts = document.querySelectorAll("textarea[data-draft-key]");
    for (var i = 0; i < drafts.length; i++) { keepDraft(drafts[i]); }
    var forms = document.querySelectorAll("form[data-unsaved-form]");
    for (var j = 0; j < forms.length; j++) { watchUnsaved(forms[j]); }
  });
})();
