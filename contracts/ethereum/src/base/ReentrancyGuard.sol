// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

/// @notice A reentrancy lock in transient storage (EIP-1153): ~300 gas per guarded call, no
/// storage slot, cleared at the end of every transaction.
abstract contract ReentrancyGuard {
    bool private transient _entered;

    error Reentrancy();

    modifier nonReentrant() {
        if (_entered) revert Reentrancy();
        _entered = true;
        _;
        _entered = false;
    }
}
