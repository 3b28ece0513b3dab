package io.wscluster.hub;

/** What travels to a shard in line with the frames it delivers, other than frames: news of a break in a stream. */
sealed interface ShardNotice permits StreamRestart, DirectGap {
}
