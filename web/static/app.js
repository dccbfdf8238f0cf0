// modelward works without this script; it only smooths the browser's edges.
//
// A page that answers a form (a refused one, shown again with its errors)
// is a POST in the browser's history: going back to it would ask to send
// the form again. Replace that entry with the page's own address, so that
// Back and reload simply open the page.
(function () {
  var url = document.body.getAttribute("data-page-url");
  if (url && window.history && history.replaceState) {
    history.replaceState(null, "", url + location.hash);
  }
})();
