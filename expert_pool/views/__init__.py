"""What each party may see of a draw: counts, the sealed list, transcript, pools, proof."""
