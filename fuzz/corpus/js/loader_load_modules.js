mw.loader.load(['ext.gadget.Foo', 'mediawiki.util']);
