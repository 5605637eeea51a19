// Agenda: offer the browser's own time zone as "My time zone" (progressive enhancement:
// without JavaScript the link stays hidden and times show in the event's zone).
(function () {
  "use strict";
  var item = document.querySelector("[data-agenda-browser-zone]");
  if (!item || !window.Intl || !Intl.DateTimeFormat) { return; }
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone || zone === item.getAttribute("data-event-zone")) { return; }
  var link = item.querySelector("a");
  link.href = link.getAttribute("data-zone-base") + "?tz=" + encodeURIComponent(zone);
  link.appendChild(document.createTextNode(" (" + zone + ")"));
  var chosen = document.querySelector("[data-agenda-chosen-zone]");
  if (chosen && chosen.getAttribute("data-agenda-chosen-zone") === zone) {
    link.classList.add("active");
    link.setAttribute("aria-current", "true");
    chosen.hidden = true;
  }
  item.hidden = false;
})();
