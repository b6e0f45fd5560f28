mw.loader.using(['mediawiki.api', 'oojs-ui-core']).then(function () {
  new mw.Api().get({ action: 'query', meta: 'userinfo' });
});
