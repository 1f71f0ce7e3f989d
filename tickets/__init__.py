"""The hotline (plan items 1.1 and 1.2): technical and methodological support tickets."""
