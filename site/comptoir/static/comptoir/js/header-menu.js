// The header's menu on narrow screens. Loaded in <head>, not deferred: the page
// is marked before it is drawn, so the collapsed menu never flashes open. Without
// JavaScript the button stays hidden and the header wraps, every link in sight.
(function () {
  "use strict";

  document.documentElement.classList.add("has-menu-button");

  function ready() {
    var button = document.querySelector(".menu-button");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) {
      document.documentElement.classList.remove("has-menu-button");
      return;
    }
    button.hidden = false;

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    function collapsed() {
      // The button shows below the breakpoint only (comptoir.css).
      return window.getComputedStyle(button).display !== "none";
    }

    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });

    var members = document.querySelectorAll("details.member-menu");

    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      for (var i = 0; i < members.length; i += 1) {
        if (members[i].open) {
          members[i].open = false;
          members[i].querySelector("summary").focus();
          return;
        }
      }
      if (collapsed() && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });

    // A click elsewhere closes the member menu, as any drop-down menu does.
    document.addEventListener("click", function (event) {
      for (var i = 0; i < members.length; i += 1) {
        if (members[i].open && !members[i].contains(event.target)) {
          members[i].open = false;
        }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
