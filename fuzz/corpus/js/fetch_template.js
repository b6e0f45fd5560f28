var page = mw.config.get('wgPageName');
fetch(`https://stats.example.org/${encodeURIComponent(page)}/views`).then(r => r.json());
