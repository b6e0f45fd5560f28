$(function () {
  var link = mw.util.addPortletLink('p-tb', '#', 'Translate');
  $(link).on('click', function (e) {
    e.preventDefault();
    mw.loader.load('https://translate.example.org/t.js');
  });
});
