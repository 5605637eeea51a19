// eventsys: progressive enhancements only; every page works without JavaScript.
(function () {
  "use strict";
  // Forms with data-confirm ask before submitting (e.g. deleting something).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // Disable submit buttons after the first click, so a double click sends once.
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }
    var buttons = event.target.querySelectorAll("button[type=submit], input[type=submit]");
    window.setTimeout(function () {
      buttons.forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  // A table wider than the screen scrolls in its own region: make that region reachable by
  // keyboard and named for screen readers (its caption, or the heading before it).
  function labelScrollRegions() {
    document.querySelectorAll(".table-responsive").forEach(function (region) {
      var scrolls = region.scrollWidth > region.clientWidth + 1;
      if (scrolls && !region.hasAttribute("tabindex")) {
        var caption = region.querySelector("caption");
        var scope = region.closest("section, .card-body, main");
        var heading = caption || (scope && scope.querySelector("h1, h2, h3"));
        region.setAttribute("tabindex", "0");
        region.setAttribute("role", "region");
        if (!region.hasAttribute("aria-label") && heading) {
          region.setAttribute("aria-label", heading.textContent.trim());
        }
        region.setAttribute("data-es-scroll", "1");
      } else if (!scrolls && region.getAttribute("data-es-scroll")) {
        ["tabindex", "role", "aria-label", "data-es-scroll"].forEach(function (a) { region.removeAttribute(a); });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", labelScrollRegions);
  window.addEventListener("resize", labelScrollRegions);
})();
