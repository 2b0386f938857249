/* TextBack Box — the message editor's live counter, preview and "plain punctuation" fix.

   One source of truth: the counting is done by the server (appliance/core/segments.py) through
   POST /messages/analyse; this file only sends the text (debounced) and shows the answer.
   Without JavaScript the page still works: the counter is rendered for the saved text and the
   "Use plain punctuation" button submits the form.

   Hooks (messages/index.html):
     section[data-editor][data-kind][data-analyse-url]
       textarea[data-editor-text][data-saved]   the text being edited
       [data-editor-counter] [data-c=characters|encoding|segments|units|capacity]
       [data-editor-ucs2] [data-c=ucs2-list]    characters forcing UCS-2 (hidden when none)
       [data-editor-plain-wrap] button[data-editor-plain]
       [data-editor-preview]                    the filled text as the caller gets it
       [data-editor-preview-label]              "What the caller gets" / "Same as the other messages"
       [data-editor-error]                      the template error
       [data-editor-dirty-note]                 "save first" next to "Send me a test"
   Text from the server is put in with textContent only, never innerHTML.
*/
(function () {
  "use strict";

  var DEBOUNCE_MS = 250;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function setText(root, name, value) {
    var el = root.querySelector('[data-c="' + name + '"]');
    if (el) { el.textContent = String(value); }
  }

  function toggle(el, show) {
    if (el) { el.classList.toggle("hidden", !show); }
  }

  function showSummary(editor, info) {
    var summary = editor.querySelector("[data-editor-summary]");
    var sent = info.sent;
    if (!summary) { return; }
    if (info.same_as_others) {   // empty "direct": the preview label says so
      summary.textContent = "";
      return;
    }
    summary.textContent = "";
    var parts = [
      [String(sent.characters), "characters"], [" characters · ", null],
      [sent.encoding, "encoding"], [" · ", null],
      [String(sent.segments), "segments"], [sent.segments === 1 ? " text (" : " texts (", null],
      [String(sent.units), "units"], ["/", null],
      [String(sent.per_segment * (sent.segments || 1)), "capacity"], [")", null]
    ];
    parts.forEach(function (part) {
      if (part[1]) {
        var span = document.createElement("span");
        span.setAttribute("data-c", part[1]);
        span.textContent = part[0];
        summary.appendChild(span);
      } else {
        summary.appendChild(document.createTextNode(part[0]));
      }
    });
  }

  function showUcs2(editor, chars, names) {
    var box = editor.querySelector("[data-editor-ucs2]");
    var list = editor.querySelector('[data-c="ucs2-list"]');
    if (!box || !list) { return; }
    list.textContent = "";
    chars.forEach(function (ch, index) {
      var item = document.createElement("span");
      var code = document.createElement("code");
      item.className = "ucs2-item";
      code.className = "mono ucs2-char";
      code.textContent = ch;
      item.appendChild(code);
      item.appendChild(document.createTextNode(" (" + ((names || [])[index] || "special character") + ")"));
      list.appendChild(item);
    });
    toggle(box, chars.length > 0);
  }

  function show(editor, info) {
    var error = editor.querySelector("[data-editor-error]");
    var preview = editor.querySelector("[data-editor-preview]");
    var area = editor.querySelector("[data-editor-text]");
    showSummary(editor, info);
    showUcs2(editor, info.same_as_others ? [] : info.sent.ucs2_characters, info.ucs2_names);
    var label = editor.querySelector("[data-editor-preview-label]");
    if (label) {
      label.textContent = info.same_as_others ? "Same as the other messages" : "What the caller gets";
    }
    toggle(editor.querySelector("[data-editor-plain-wrap]"), info.plain_differs);
    if (preview) {
      preview.textContent = info.preview || "";
      toggle(preview, Boolean(info.preview));
    }
    if (error) {
      error.textContent = info.error ? "The message " + info.error + "." : "";
      toggle(error, Boolean(info.error));
    }
    if (area) {
      if (info.error) {
        area.setAttribute("aria-invalid", "true");
      } else {
        area.removeAttribute("aria-invalid");
      }
    }
    editor.setAttribute("data-analysed", "1");
  }

  function markDirty(editor, area) {
    var dirty = area.value !== (area.getAttribute("data-saved") || "");
    toggle(editor.querySelector("[data-editor-dirty-note]"), dirty);
    editor.classList.toggle("is-dirty", dirty);
  }

  function setup(editor) {
    var area = editor.querySelector("[data-editor-text]");
    var url = editor.getAttribute("data-analyse-url");
    var kind = editor.getAttribute("data-kind");
    var timer = null;
    var latest = null;    // the last answer, for the plain-punctuation button
    var sequence = 0;     // answers can arrive out of order; only the newest is shown
    if (!area || !url) { return; }
    editor.classList.add("js-editor");

    function analyse() {
      var mine = ++sequence;
      editor.setAttribute("data-analysed", "0");
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json",
                   "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ text: area.value, kind: kind })
      }).then(window.textbackJson).then(function (info) {
        if (mine !== sequence) { return; }
        latest = info;
        show(editor, info);
      }).catch(function () { /* keep the last counter; the save still validates */ });
    }

    area.addEventListener("input", function () {
      markDirty(editor, area);
      window.clearTimeout(timer);
      timer = window.setTimeout(analyse, DEBOUNCE_MS);
    });

    var plain = editor.querySelector("[data-editor-plain]");
    if (plain) {
      plain.addEventListener("click", function (event) {
        if (!latest || latest.plain === undefined) { return; }   // no answer yet: let it submit
        event.preventDefault();
        area.value = latest.plain;
        markDirty(editor, area);
        analyse();
        area.focus();
      });
    }
    markDirty(editor, area);   // the server rendered the counter already: no request on load
  }

  document.addEventListener("DOMContentLoaded", function () {
    var editors = document.querySelectorAll("[data-editor]");
    for (var i = 0; i < editors.length; i++) { setup(editors[i]); }
  });
})();
