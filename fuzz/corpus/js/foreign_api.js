var api = new mw.ForeignApi('https://commons.wikimedia.org/w/api.php');
api.get({ action: 'query' });
