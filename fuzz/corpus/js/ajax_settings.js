$.ajax({ url: 'https://api.example.org/v1/items', dataType: 'jsonp', jsonpCallback: 'cb' });
