"""Text in, meaning out: corpus importers, normalisation, the match index, the floor tracker."""
