/* TextBack Box — the guided test call on the setup page.

   div[data-test-panel][data-status-url] polls /setup/test-status?since=...&from=... every
   second and fills the three steps: the call, whether the caller's number came through, and the
   text-back. It stops when the answer says done (or after 15 minutes). Caller IDs and texts are
   attacker-controlled: they are only ever put in with textContent.
*/
(function () {
  "use strict";

  var INTERVAL_MS = 1000;
  var GIVE_UP_MS = 15 * 60 * 1000;

  function part(panel, name) { return panel.querySelector('[data-test-text="' + name + '"]'); }

  function step(panel, name, state) {
    var el = panel.querySelector('[data-test-step="' + name + '"]');
    if (el) { el.setAttribute("data-state", state); }
  }

  function callLine(call) {
    var who = call.number || call.raw_number || "a withheld number";
    var rings = call.rings ? " (" + call.rings + (call.rings === 1 ? " ring)" : " rings)") : "";
    return "A call from " + who + " reached the box" + rings + ". " + call.outcome_label + ".";
  }

  function render(panel, data) {
    panel.setAttribute("data-stage", data.stage);
    if (!data.call) { return; }
    part(panel, "call").textContent = callLine(data.call);
    step(panel, "call", "ok");
    var verdict = data.caller_id || {};
    part(panel, "caller").textContent = verdict.text || "";
    part(panel, "caller").classList.remove("muted");
    step(panel, "caller", verdict.verdict === "shown" ? "ok" : "problem");
    panel.setAttribute("data-caller-id", verdict.verdict || "");
    var text = part(panel, "text");
    var bubble = part(panel, "bubble");
    text.classList.remove("muted");
    if (data.text) {
      text.textContent = data.text.status_label + (data.stage === "texted" ? ": this is what the caller got." : "");
      bubble.textContent = data.text.text;
      bubble.classList.remove("hidden");
    } else {
      text.textContent = data.stage === "sending" ? "Sending…" : "No text was sent: " +
        (data.call.outcome_hint || data.call.outcome_label);
    }
    step(panel, "text", data.stage === "texted" ? "ok" : data.stage === "sending" ? "busy" : "problem");
  }

  function watch(panel) {
    var url = panel.getAttribute("data-status-url");
    var started = Date.now();

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (response.status === 401 || response.redirected) {   // logged out: app.js says so
            document.dispatchEvent(new Event("textback:logged-out"));
            throw new Error("logged out");
          }
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          render(panel, data);
          if (!data.done && Date.now() - started < GIVE_UP_MS) { window.setTimeout(poll, INTERVAL_MS); }
        })
        .catch(function (error) {
          if (error && error.message === "logged out") { return; }   // stop asking
          window.setTimeout(poll, INTERVAL_MS * 3);
        });
    }
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var panels = document.querySelectorAll("[data-test-panel]");
    for (var i = 0; i < panels.length; i++) { watch(panels[i]); }
  });
})();
