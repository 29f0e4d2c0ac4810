/* Search page: Pagefind's default UI, fed from ?q= and kept in step with the address bar. */
(function () {
  "use strict";

  // Each search rewrites ?q= so a result list can be bookmarked or shared.
  function processTerm(term) {
    var url = new URL(window.location.href);
    if (term) {
      url.searchParams.set("q", term);
    } else {
      url.searchParams.delete("q");
    }
    window.history.replaceState(null, "", url);
    return term;
  }

  var ui = new PagefindUI({
    element: "#tim-kiem",
    showImages: false,
    showSubResults: false,
    resetStyles: false,
    processTerm: processTerm
  });

  var query = new URLSearchParams(window.location.search).get("q");
  if (query && query.trim()) {
    ui.triggerSearch(query.trim());
  }
})();
