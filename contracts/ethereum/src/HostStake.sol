// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {Asset} from "./lib/Asset.sol";
import {Roles} from "./base/Roles.sol";
import {ReentrancyGuard} from "./base/ReentrancyGuard.sol";

/// @title HostStake
/// @notice The host registry's collateral: a host (its payout address) stakes, may leave only
/// after `requestUnstake()` + `unstakeDelay` (so a misbehaving host stays slashable for that
/// long), and the operator may slash up to the stake, to the immutable treasury only. One
/// deployment holds one asset (`token`, `address(0)` = ETH).
contract HostStake is Roles, ReentrancyGuard {
    /// @dev One slot per host.
    struct Stake {
        uint128 amount;
        uint40 unlockAt; // 0: no unstake requested
    }

    uint256 public constant MAX_UNSTAKE_DELAY = 90 days;

    address public immutable token;
    address public immutable treasury;
    uint256 public immutable unstakeDelay;

    mapping(address host => Stake) private _stakes;
    /// @notice Slashed and not yet swept to the treasury.
    uint256 public slashedUnswept;

    event HostStaked(address indexed host, uint256 amount, uint256 total);
    event UnstakeRequested(address indexed host, uint256 amount, uint40 unlockAt);
    event UnstakeCancelled(address indexed host);
    event HostUnstaked(address indexed host, uint256 amount);
    event HostSlashed(address indexed host, uint256 amount, bytes32 indexed reasonHash, uint256 remaining);
    event Swept(address indexed treasury, uint256 amount);

    error DelayTooLong(uint256 delay, uint256 max);
    error NotAToken(address token);
    error ZeroAmount();
    error AmountTooLarge(uint256 amount);
    error NoStake(address host);
    error UnstakePending(address host, uint40 unlockAt);
    error NoUnstakeRequested(address host);
    error UnstakeTooEarly(address host, uint40 unlockAt);
    error SlashExceedsStake(address host, uint256 amount, uint256 stake);
    error NothingToSweep();

    constructor(address token_, address owner_, address operator_, address treasury_, uint256 unstakeDelay_)
        Roles(owner_, operator_)
    {
        if (treasury_ == address(0)) revert ZeroAddress();
        if (unstakeDelay_ > MAX_UNSTAKE_DELAY) revert DelayTooLong(unstakeDelay_, MAX_UNSTAKE_DELAY);
        if (token_ != address(0) && token_.code.length == 0) revert NotAToken(token_);
        token = token_;
        treasury = treasury_;
        unstakeDelay = unstakeDelay_;
    }

    // --- host ----------------------------------------------------------------------------------

    /// @notice Adds `amount` to the caller's stake (ETH: send it as value; ERC-20: approve it).
    /// Refused while an unstake is pending: cancel it first.
    function stake(uint256 amount) external payable nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Stake storage s = _stakes[msg.sender];
        if (s.unlockAt != 0) revert UnstakePending(msg.sender, s.unlockAt);
        uint256 total = uint256(s.amount) + amount;
        if (total > type(uint128).max) revert AmountTooLarge(total);
        // forge-lint: disable-next-line(unsafe-typecast) -- checked just above
        s.amount = uint128(total);
        emit HostStaked(msg.sender, amount, total);

        Asset.pullIn(token, msg.sender, amount);
    }

    /// @notice Starts the exit clock: the whole stake can be taken out `unstakeDelay` seconds from now
    /// and stays slashable until then.
    function requestUnstake() external nonReentrant {
        Stake storage s = _stakes[msg.sender];
        if (s.amount == 0) revert NoStake(msg.sender);
        if (s.unlockAt != 0) revert UnstakePending(msg.sender, s.unlockAt);
        // forge-lint: disable-next-line(unsafe-typecast) -- timestamps fit 40 bits for 34,000 years
        uint40 unlockAt = uint40(block.timestamp + unstakeDelay);
        s.unlockAt = unlockAt;
        emit UnstakeRequested(msg.sender, s.amount, unlockAt);
    }

    function cancelUnstake() external nonReentrant {
        Stake storage s = _stakes[msg.sender];
        if (s.unlockAt == 0) revert NoUnstakeRequested(msg.sender);
        s.unlockAt = 0;
        emit UnstakeCancelled(msg.sender);
    }

    /// @notice Sends the caller their remaining stake once the delay has passed.
    function unstake() external nonReentrant {
        Stake memory s = _stakes[msg.sender];
        if (s.unlockAt == 0) revert NoUnstakeRequested(msg.sender);
        if (block.timestamp < s.unlockAt) revert UnstakeTooEarly(msg.sender, s.unlockAt);
        delete _stakes[msg.sender];
        emit HostUnstaked(msg.sender, s.amount);

        if (s.amount != 0) Asset.pushOut(token, msg.sender, s.amount);
    }

    // --- operator ------------------------------------------------------------------------------

    /// @notice Takes `amount` (≤ the host's stake) for the treasury; `reasonHash` names the evidence
    /// kept off-chain (e.g. keccak256 of the incident record).
    function slash(address host, uint256 amount, bytes32 reasonHash) external onlyOperator nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Stake storage s = _stakes[host];
        uint256 staked = s.amount;
        if (amount > staked) revert SlashExceedsStake(host, amount, staked);
        uint256 remaining = staked - amount;
        // forge-lint: disable-next-line(unsafe-typecast) -- remaining < staked, itself a uint128
        s.amount = uint128(remaining);
        slashedUnswept += amount;
        emit HostSlashed(host, amount, reasonHash, remaining);
    }

    // --- anyone --------------------------------------------------------------------------------

    /// @notice Sends the slashed amounts to the treasury; anyone may call (the destination is fixed).
    function sweep() external nonReentrant {
        uint256 amount = slashedUnswept;
        if (amount == 0) revert NothingToSweep();
        slashedUnswept = 0;
        emit Swept(treasury, amount);

        Asset.pushOut(token, treasury, amount);
    }

    // --- views ---------------------------------------------------------------------------------

    /// @return amount the slashable stake
    /// @return unlockAt when `unstake()` becomes possible, 0 if not requested
    function stakeOf(address host) external view returns (uint256 amount, uint40 unlockAt) {
        Stake storage s = _stakes[host];
        return (s.amount, s.unlockAt);
    }
}
