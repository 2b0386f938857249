/* TextBack Box — opening hours editor: add and remove time ranges, the "Closed" switch.

   Without JavaScript every day shows its ranges plus the form still saves (blank rows are
   ignored; a closed day shows one empty row). With it, "+ Add hours" clones the day's
   <template data-range-template>, "Remove" drops a row, and ticking "Closed" hides the rows.
   Hooks: form[data-hours-form] li[data-day] ul[data-ranges] li[data-range-row]
          button[data-add-range] button[data-remove-range] input[data-closed]
          time[data-hhmm]   a time in an error or note, shown in the inputs' 12/24-hour style
*/
(function () {
  "use strict";

  function renumber(day) {
    var name = day.getAttribute("data-day");
    var rows = day.querySelectorAll("[data-range-row]");
    for (var i = 0; i < rows.length; i++) {
      rows[i].setAttribute("data-testid", "range-" + name + "-" + i);
      var start = rows[i].querySelector('input[name="' + name + '-start"]');
      var end = rows[i].querySelector('input[name="' + name + '-end"]');
      var remove = rows[i].querySelector("[data-remove-range]");
      if (start) { start.id = name + "-start-" + i; start.setAttribute("data-testid", "start-" + name + "-" + i); }
      if (end) { end.id = name + "-end-" + i; end.setAttribute("data-testid", "end-" + name + "-" + i); }
      if (remove) { remove.setAttribute("data-testid", "remove-" + name + "-" + i); remove.classList.remove("hidden"); }
      var labels = rows[i].querySelectorAll("label");
      if (labels[0]) { labels[0].setAttribute("for", name + "-start-" + i); }
      if (labels[1]) { labels[1].setAttribute("for", name + "-end-" + i); }
    }
  }

  function addRow(day) {
    var template = day.querySelector("template[data-range-template]");
    var list = day.querySelector("[data-ranges]");
    if (!template || !list) { return null; }
    var row = template.content.firstElementChild.cloneNode(true);
    list.appendChild(row);
    renumber(day);
    return row;
  }

  function setClosed(day, closed) {
    day.classList.toggle("is-closed", closed);
    var box = day.querySelector("[data-closed]");
    if (box) { box.checked = closed; }
    if (closed) {
      var inputs = day.querySelectorAll('[data-range-row] input[type="time"]');
      for (var i = 0; i < inputs.length; i++) { inputs[i].value = ""; }
    } else if (!day.querySelector("[data-range-row]")) {
      addRow(day);
    }
  }

  function setup(form) {
    form.classList.add("js-schedule");
    var days = form.querySelectorAll("[data-day]");
    for (var i = 0; i < days.length; i++) {
      days[i].querySelector("[data-add-range]").classList.remove("hidden");
      renumber(days[i]);
    }
    form.addEventListener("click", function (event) {
      var day = event.target.closest("[data-day]");
      if (!day) { return; }
      if (event.target.closest("[data-add-range]")) {
        event.preventDefault();
        if (day.classList.contains("is-closed")) { setClosed(day, false); }
        var row = addRow(day);
        var first = row && row.querySelector("input");
        if (first) { first.focus(); }
      } else if (event.target.closest("[data-remove-range]")) {
        event.preventDefault();
        event.target.closest("[data-range-row]").remove();
        if (!day.querySelector("[data-range-row]")) { setClosed(day, true); }
        renumber(day);
      }
    });
    form.addEventListener("change", function (event) {
      var day = event.target.closest("[data-day]");
      if (!day) { return; }
      if (event.target.hasAttribute("data-closed")) {
        setClosed(day, event.target.checked);
      } else if (event.target.type === "time" && event.target.value) {
        setClosed(day, false);
      }
    });
  }

  // Times in messages (<time data-hhmm="17:00">) in the same 12/24-hour style as the time
  // inputs, which the browser draws in its own locale's style.
  function inputStyle(hhmm) {
    var parts = hhmm.split(":");
    var moment = new Date(2000, 0, 1, parseInt(parts[0], 10) % 24, parseInt(parts[1], 10));
    return moment.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-hours-form]");
    for (var i = 0; i < forms.length; i++) { setup(forms[i]); }
    var times = document.querySelectorAll("time[data-hhmm]");
    for (var j = 0; j < times.length; j++) {
      times[j].textContent = inputStyle(times[j].getAttribute("data-hhmm"));
    }
  });
})();
