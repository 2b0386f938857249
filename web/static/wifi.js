/* TextBack Box — the Wi-Fi join form: "Joining…" while the box connects, show/hide password.

   form[data-join-form]: on submit the form is hidden and [data-joining] shown, because joining
   can take up to a minute and, on the setup hotspot, the phone may lose the page meanwhile.
   input[data-show-password="#id"]: a checkbox that shows the password as typed.
*/
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-join-form]");
    if (!form || event.defaultPrevented) { return; }
    var card = form.closest("[data-join-card]") || document;
    var joining = card.querySelector("[data-joining]");
    var button = form.querySelector('button[type="submit"]');
    if (button) { button.disabled = true; }
    form.classList.add("hidden");
    if (joining) { joining.classList.remove("hidden"); }
  });

  document.addEventListener("change", function (event) {
    var selector = event.target.getAttribute("data-show-password");
    if (!selector) { return; }
    var field = document.querySelector(selector);
    if (field) { field.type = event.target.checked ? "text" : "password"; }
  });
})();
