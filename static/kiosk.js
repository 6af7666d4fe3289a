// The kiosk tablet: a form left alone goes back to empty, so the next person never sees what
// someone else began to fill in. The wait (seconds) is the form's data-kiosk-wacht, read each
// time the clock restarts; every touch, key, scroll or change restarts it. An untouched empty
// form needs no reset, so the clock starts at the first input, or at once when the page
// already holds something to clear (data-kiosk-nu: a thank-you message, or answers with errors).
// A file of its own, not inline: the app's Content-Security-Policy allows only 'self' scripts.
(function () {
  "use strict";
  var form = document.querySelector("form[data-kiosk-wacht]");
  if (!form) {
    return;
  }
  var timer = null;

  function wait() {
    var seconds = parseFloat(form.getAttribute("data-kiosk-wacht"));
    return (seconds > 0 ? seconds : 120) * 1000;
  }

  function reset() {
    // replace(): the reset adds no step to the tablet's history.
    window.location.replace("/kiosk");
  }

  function restart() {
    if (timer !== null) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(reset, wait());
  }

  ["input", "change", "keydown", "pointerdown", "touchstart", "focusin"].forEach(function (type) {
    document.addEventListener(type, restart, { capture: true, passive: true });
  });
  window.addEventListener("scroll", restart, { passive: true });
  if (form.hasAttribute("data-kiosk-nu")) {
    restart();
  }
})();
