OO.ui.confirm('Load?').done(function (ok) {
  if (ok) { $.getScript('https://x.example.org/a.js'); }
});
