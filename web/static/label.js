/* The label page's Print button (the Content-Security-Policy forbids inline handlers). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });
})();
